"""The week list shows whole weeks only, and an undated report's second row says something useful."""

from __future__ import annotations

import datetime
import os

from tui.ui.widgets.week_list import WeekList
from uiutil import make_app, ready


def rows(weeks: WeekList) -> list[str]:
    return ["".join(seg.text for seg in weeks.render_line(y)).strip() for y in range(weeks.size.height)]


async def test_never_half_an_entry_at_the_top(tmp_path):
    for week in range(1, 31):
        (tmp_path / f"r{week:02d}.md").write_text(f"# 周报 2024-W{week:02d}\n\n- 内容\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        weeks = app.query_one(WeekList)
        weeks.focus()
        assert weeks.size.height % 2 == 1, "this test needs a list of an odd number of lines"
        for keys in (["home"], ["end"], ["up"] * 3, ["up"] * 9, ["down"] * 4, ["pageup"], ["pagedown"]):
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            shown = rows(weeks)
            assert weeks.scroll_y % 2 == 0
            assert shown[0].startswith("周报 2024-W"), (keys, shown[:3])  # a label, not a week's dates
            top = int(weeks.scroll_y) // 2
            assert weeks.highlighted is not None and top <= weeks.highlighted
            # the highlighted week is whole on screen
            assert 2 * (weeks.highlighted - top) + 1 < weeks.size.height, (keys, weeks.highlighted, top)
        for dy in (1, 1, -1, 3, -1):  # the mouse wheel scrolls by lines: the list moves by whole weeks
            before = weeks.scroll_y
            weeks.scroll_relative(y=dy, animate=False, immediate=True)
            await pilot.pause()
            assert weeks.scroll_y % 2 == 0 and rows(weeks)[0].startswith("周报 2024-W")
            assert (weeks.scroll_y > before) if dy > 0 else (weeks.scroll_y < before)


async def test_an_undated_report_shows_its_file_its_folder_and_date(tmp_path):
    folder = tmp_path / "随手记"
    folder.mkdir()
    note = folder / "notes.md"
    note.write_text("# 说明\n\n- 没有日期\n", encoding="utf-8")
    stamp = datetime.datetime(2024, 7, 26, 12, 0).timestamp()
    os.utime(note, (stamp, stamp))
    (tmp_path / "a.md").write_text("# 2024-W10\n\n- 内容\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        shown = rows(app.query_one(WeekList))
        assert shown[2] == "说明 ⚠"
        # the only report in its folder, and the only one of its day: both said
        assert shown[3] == "随手记/notes.md · file 2024-07-26"
