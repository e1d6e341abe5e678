"""The engine alone, each prefix of a few queries typed three times in one process, as `run.py`'s in-app
figure types them (`Workspace.search(prefix, limit=300)`, the index read from the parse cache): wall and
CPU ms of the first, second and third time each prefix is searched, the slowest 20 prefixes first. A
key's first time and its repeats cost differently (what is kept between keys), and the first is what a
user typing a query once pays. The saved index's late checks are run once it is open, as the app runs
them after its first answer (in the background, between keys: `Workspace.check_saved_index`), so that
what is measured is what a user typing gets; the process's peak RSS closes the run.
`python benchmarks/bench_keys_again.py DIR [JSON list of queries]`; run from another checkout to time
that one's engine (the code searched is that of the current directory)."""

from __future__ import annotations

import json
import os
import resource
import sys
import time

sys.path.insert(0, os.getcwd())

QUERIES = ["贝易转", "实时数仓", "存管路由", "byz", "ssss", "zfyx", "贝易砖", "in:O2 进度", "pos 押金"]  # (run.py's)


def main() -> int:
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    path = sys.argv[1]
    queries = json.loads(sys.argv[2]) if len(sys.argv) > 2 else QUERIES
    ws = Workspace(load_library([path], use_cache=True), use_cache=True)
    ws.search_index()
    ws.check_saved_index()
    per: dict[str, list[tuple[float, float]]] = {}
    for _ in range(3):
        for q in queries:
            for i in range(1, len(q) + 1):
                if not q[:i].strip():
                    continue
                t, c = time.perf_counter(), time.process_time()
                ws.search(q[:i], limit=300, wait=False)
                per.setdefault(q[:i], []).append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    for key, times in sorted(per.items(), key=lambda kv: -max(w for w, _c in kv[1]))[:20]:
        print(f"{key!r:24} wall {[round(w) for w, _c in times]}  cpu {[round(c) for _w, c in times]}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    return 0


if __name__ == "__main__":  # (the parse workers start processes that import this module again)
    sys.exit(main())
