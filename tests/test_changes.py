"""`briefgen changes`: what changed in the data since an earlier edition, in the edition's language."""

from __future__ import annotations

from click.testing import CliRunner

from briefgen.editions.build import build_brief
from briefgen.cli import main
from conftest import edit


def test_changes_since_the_previous_edition(small_copy, tmp_path):
    out = tmp_path / "out"
    build_brief(small_copy, out_dir=out, formats=("html",))
    prisoners = small_copy / "prisoners.yaml"
    edit(prisoners, "    status: pre-trial-detention\n", "    status: released\n")
    edit(prisoners, "sentence: {kind: imprisonment, years: 5, ban_years: 5}", "sentence: {kind: imprisonment, years: 7}")
    prisoners.write_text(prisoners.read_text(encoding="utf-8") + "  - id: dmitry-delta\n    name: Dmitry Delta\n    status: imprisoned\n", encoding="utf-8")
    (small_copy / "sanctions.yaml").write_text("targets: []\n", encoding="utf-8")
    edit(small_copy / "recommendations.yaml", "    text: \"impose personal sanctions.\"\n",
         "    text: \"impose personal sanctions.\"\n  - id: monitor-trials\n    text: \"send diplomats to political trials.\"\n")
    edit(small_copy / "brief.yaml", "Sanctions are proposed against {sanctions.list}.", "No sanctions are proposed.")
    build_brief(small_copy, out_dir=out, formats=("html",))

    runner = CliRunner()
    english = runner.invoke(main, ["changes", str(small_copy), "--out", str(out)])
    assert english.exit_code == 0, english.output
    lines = english.output.splitlines()
    assert lines[0] == "Changes since the edition of 1 November 2021:"
    assert set(lines[1:]) == {
        "- Released: Boris Beta",
        "- Sentenced or re-sentenced: Anna Alpha — 7 years of imprisonment",
        "- New political prisoner: Dmitry Delta (imprisoned)",
        "- Sanctions target removed: Official One",
        "- New recommendation: send diplomats to political trials.",
        "- Sanctions targets: 1 → 0",
        "- Recommendations: 2 → 3",
    }
    russian = runner.invoke(main, ["changes", str(small_copy), "--out", str(out), "--lang", "ru"])
    assert "Изменения со времени выпуска от 1 ноября 2021" in russian.output
    assert "- Освобождён(а): Борис Бета" in russian.output
    assert "- Приговор вынесен или изменён: Анна Альфа — 7 лет лишения свободы" in russian.output
    since = runner.invoke(main, ["changes", str(small_copy), "--out", str(out), "--since", "2021-11-01"])
    assert since.exit_code == 0 and "Released: Boris Beta" not in since.output  # the latest edition of that date
    assert "No changes in the data." in since.output


def test_changes_needs_an_earlier_build(small_copy, tmp_path):
    result = CliRunner().invoke(main, ["changes", str(small_copy), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "nothing to compare with" in result.output
    bad = CliRunner().invoke(main, ["changes", str(small_copy), "--out", str(tmp_path), "--since", "last week"])
    assert bad.exit_code == 1 and "write 'previous' or an edition date" in bad.output


def test_send_puts_the_changes_in_the_cover_email(small_copy, tmp_path):
    import email
    from email import policy

    from briefgen.delivery import send as sending

    out = tmp_path / "out"
    build_brief(small_copy, out_dir=out)
    edit(small_copy / "prisoners.yaml", "    status: pre-trial-detention\n", "    status: released\n")
    build_brief(small_copy, out_dir=out)
    recipients = tmp_path / "meps.csv"
    recipients.write_text("name,email,language,salutation\nAnna Nowak,anna@example.eu,en,Ms\n"
                          "Иван Петров,ivan@example.eu,ru,Mr\n", encoding="utf-8")
    plan = sending.prepare(small_copy, recipients, out, changes_since="previous")
    english, russian = (email.message_from_bytes(path.read_bytes(), policy=policy.default)
                        for path in sorted(sending.write_outbox(plan)))
    text = english.get_body(("plain",)).get_content()
    assert "What has changed since the edition of 1 November 2021:\n- Released: Boris Beta\n- Political prisoners: 3 → 2" in text
    assert "<li>Released: Boris Beta</li>" in english.get_body(("html",)).get_content()
    assert "- Освобождён(а): Борис Бета" in russian.get_body(("plain",)).get_content()
