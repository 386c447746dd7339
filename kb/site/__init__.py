"""The static site: pages (view-models), render (Jinja), write (atomic, incremental), build."""
