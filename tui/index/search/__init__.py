"""Search across every report, one engine for the app and `reports-tui search`: the query grammar
(`query`), the ranking rules (`match`), the index's data (`index`) and the search over it (`engine`),
what is kept of each report (`records`), pinyin readings (`pinyin`)."""
