"""Writes the small input files the unit tests read (run once; the files are committed)."""

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
REPORT = """# 2024-W10

Created: 2024年3月8日 10:00

## 【O1 业务服务】

- 资金安全：一期上线，进度６０％
- 物保，测试中

## 【系统运行数据】

- 入金有效成功率：９９.９５０％
- 事故数AB级0次，C级1次，D级0.5次

## 【生产事件】

- 3/5 10:20 监控发现 对账延迟
"""


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def main() -> None:
    crlf = REPORT.replace("\n", "\r\n")
    write("gbk_crlf.md", crlf.encode("gbk"))
    write("utf16_bom.md", REPORT.encode("utf-16"))  # Python writes a BOM for "utf-16"
    write("utf8_bom.md", b"\xef\xbb\xbf" + REPORT.encode("utf-8"))
    write("cr_only.md", REPORT.replace("\n", "\r").encode("utf-8"))
    write("gb18030.md", REPORT.replace("资金安全", "资金安全𠀀").encode("gb18030"))
    write("bad/empty.md", b"")
    write("bad/binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    write("bad/gbk_report.md", crlf.encode("gbk"))
    write("no_title.md", "- 【贝易转】 进度50%\n- 没有标题，也没有日期\n".encode())
    write("fullwidth.md", "# ２０２４－Ｗ１０\n\nCreated：２０２４年３月８日 10:00\n\n## 系统运行数据\n\n- 出金有效成功率：９９．９８８％\n- 年度可用性 ９９．９９％\n".encode())
    write("kpi_table.md", (
        "# 2024-W11\n\nCreated: 2024年3月15日 09:00\n\n## 运行数据\n\n"
        "| 指标 | 上周 | 本周 |\n|---|---|---|\n| 入金有效成功率 | 99.990% | 99.991% |\n"
        "| 出金有效成功率 | 99.950% | 99.960% |\n| 平均耗时(ms) | 120 | 110 |\n"
    ).encode())
    write("two_headings.md", "# 第10周 2024-03-04\n\n# 第11周 2024/03/04\n\n## 工作\n\n- 一件事\n".encode())
    write("english_created.md", "# Weekly report\n\nCreated: March 8, 2024 9:28 AM\n\n## Metrics\n\n- Availability: 99.9%\n".encode())
    write("2024-07-26 周报.md", "# 周报\n\n## 本周\n\n- 只有文件名里有日期\n".encode())
    write("yaml_front.md", "---\ntitle: 周报\ndate: 2024-05-06\n---\n\n## 进展\n\n- 一件事\n".encode())
    write("week_label_year.md", "# 2024年第28周\n\n- 工作\n".encode())
    write("week_english.md", "# Week 34, 2024\n\n- work\n".encode())
    write("range_title.md", "# 周报 2024.07.29-2024.08.02\n\nCreated: 2024年8月10日 10:00\n".encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Export-1234/周报 2024-W10 0123456789abcdef0123456789abcdef.md", REPORT)
        zf.writestr("Export-1234/sub/第11周 fedcba9876543210fedcba9876543210.md",
                    REPORT.replace("2024-W10", "2024-W11").replace("3月8日", "3月15日"))
        zf.writestr("Export-1234/image.png", b"\x89PNG\x00\x00")
        zf.writestr("__MACOSX/._junk.md", b"\x00\x05\x16\x07")
    write("notion_export.zip", buf.getvalue())
    write("bad/broken.zip", b"PK\x03\x04 this is not really a zip")
    write_hostile()


HOSTILE_MARKUP = """# 2024-W20 [bold red]标题[/]

Created: 2024年5月17日 10:00

## 【O1 [link=https://evil.example]业务[/link]】

- 【贝易转[/]】 进度 [bold red]x[/] 50%
- <script>alert("x")</script> and [/] and [red]
- [link=https://evil.example]click me[/link] $HOME ${x} \\[escaped]

## 【系统运行数据】

- 入金有效成功率：99.9% [bold]
"""

HOSTILE_ESCAPES = (
    "# 2024-W21 \x1b]0;pwned\x07标题\n\n"
    "Created: 2024年5月24日 10:00\n\n"
    "## 【O1 业务\x1b[31m服务】\n\n"
    "- 清屏\x1b[2J之后 \x1b[H 光标\n"
    "- C1 \x9b31m 控制 \x85 和 \x9d0;t\x9c\n"
    "- bidi \u202e反向\u202c 与 \u2066隔离\u2069\n"
    "- bell\x07 backspace\x08 formfeed\x0c\n"
    "- NBSP\u00a0和零宽\u200b字符\u200d\n"
    "\t- tab 缩进\n"
)


def write_hostile() -> None:
    (HERE / "hostile").mkdir(exist_ok=True)
    write("hostile/markup.md", HOSTILE_MARKUP.encode())
    write("hostile/escapes.md", HOSTILE_ESCAPES.encode("utf-8", "surrogatepass"))
    deep = "# 2024-W22 深层嵌套\n\n" + "\n".join("    " * i + f"- 第{i}层 进度{i}%" for i in range(40)) + "\n"
    write("hostile/deep_nesting.md", deep.encode())
    write("hostile/long_line.md", ("# 2024-W23 长行\n\n- " + "很长的一行" * 10000 + "\n").encode())


if __name__ == "__main__":
    main()
