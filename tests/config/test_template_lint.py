"""The template lint (config/template_lint.py) that `make lint` runs."""

from config.settings.base import BASE_DIR
from config.template_lint import main, problems


def test_a_comment_running_over_two_lines_is_refused_with_its_file_and_line(tmp_path, capsys):
    page = tmp_path / "booking" / "page.html"
    page.parent.mkdir()
    page.write_text("<p>Hello</p>\n{# a note that\n   goes on #}\n<p>{# fine #} {{ x }}</p>\n")
    assert main([str(tmp_path)]) == 1
    assert f"{page}:2:" in capsys.readouterr().err


def test_a_second_comment_left_open_on_a_line_is_caught_too(tmp_path):
    (tmp_path / "email.txt").write_text("{# closed #} text {# open\n#}\n")
    assert len(list(problems(tmp_path))) == 1


def test_the_projects_templates_pass():
    assert list(problems(BASE_DIR / "templates")) == []
