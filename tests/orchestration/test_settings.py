"""The project-local Dagster instance file is kept current, unless the user wrote their own."""

from orchestration import settings


def test_an_instance_file_from_an_older_template_is_brought_up_to_date(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    old = "# The project-local Dagster instance (an earlier template)\nrun_retries:\n  enabled: true\n"
    (tmp_path / "dagster.yaml").write_text(old)

    settings.prepare_dagster_home()

    assert (tmp_path / "dagster.yaml").read_text() == settings.INSTANCE_TEMPLATE.read_text()


def test_an_instance_file_the_user_wrote_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    mine = "# my instance\nrun_storage: {}\n"
    (tmp_path / "dagster.yaml").write_text(mine)

    settings.prepare_dagster_home()

    assert (tmp_path / "dagster.yaml").read_text() == mine
