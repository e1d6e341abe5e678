"""Search across every report: the query and the index (`engine`), what is kept of each report for it
(`records`), pinyin readings (`pinyin`), and answers straight from the parse cache (`cached`)."""
