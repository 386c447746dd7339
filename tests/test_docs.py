"""Every command teaches: it has help with an example, and the README names it."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kb.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def commands(group: click.Group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


@pytest.mark.parametrize("path,command", list(commands(cli)), ids=[" ".join(p) for p, _ in commands(cli)])
def test_every_command_has_help(path, command):
    assert command.help and command.help.strip(), f"kb {' '.join(path)} has no help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_readme_names_every_top_level_command(name):
    assert f"kb {name}" in README, f"README does not mention kb {name}"


def test_help_needs_no_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["claim", "list", "--help"]).exit_code == 0
    assert not (tmp_path / "kb.db").exists()
