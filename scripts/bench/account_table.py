"""Prints the tables of scripts/bench/account.sh, with the targets of issue 20.

    python3 account_table.py results.txt

Lines of results.txt (key=value fields after the kind):
  COUNTS providerKeys=N accessKeyConfigurations=N accessKeys=N
  SETUP latency_ms=MS page=P pages=N bound_s=S changes=N concurrency=C
  LIST run=R seconds=S rss_kb=K count=N pages=P seconds=S'   (account_list.lua: the three lists at once)
  EXPORT seconds=S rss_kb=K status=X
  PLAN run=R file=export|generated|wrapped|changed seconds=S rss_kb=K status=X changes=N
      (wrapped: the export loaded by account_variant.lua with nothing changed, so the plan never sees its text)
  PAGES path=P requests=N sum_s=S mean_ms=X max_ms=Y run_s=S   (the GETs of one --verbose plan, by path)
  APPLY run=R seconds=S rss_kb=K status=X phase_s=S done=N failed=N reads=N mutations=N changes_after=N|-
Wall times are whole runs of the binary (start-up included); the apply rate is over the apply
phase only (the journal's first `started` to its last outcome), the plan before it left out.
"""
import statistics
import sys


def parse(path):
    lines = []
    with open(path) as file:
        for line in file:
            kind, *fields = line.split()
            values = {}
            for field in fields:
                key, _, value = field.partition("=")
                values.setdefault(key, value)  # LIST: the first `seconds` is the whole run's
            lines.append((kind, values))
    return lines


def median(values):
    return statistics.median(values) if values else float("nan")


def check(name, value, op, target, unit=""):
    ok = value >= target if op == ">=" else value <= target
    fmt = "%.2f" if unit != " MB" else "%.0f"
    return "| %s | %s%s | %s %s%s | %s |" % (name, fmt % value, unit, op, fmt % target, unit, "PASS" if ok else "MISS")


def main():
    lines = parse(sys.argv[1])
    one = lambda kind: next((v for k, v in lines if k == kind), {})  # noqa: E731
    counts, setup = one("COUNTS"), one("SETUP")
    bound = float(setup.get("bound_s", "nan"))
    latency, pages, page = setup.get("latency_ms", "?"), setup.get("pages", "?"), setup.get("page", "?")
    concurrency = int(setup.get("concurrency", "16"))
    ideal_rate = concurrency * 1000 / float(setup.get("latency_ms", "50"))

    print("Account: %s provider keys, %s access key configurations, %s access keys; fake-ngrok-ai with %s ms"
          " added latency; lower bound %s pages of %s × %s ms = %.2f s." % (
              f"{int(counts.get('providerKeys', 0)):,}", f"{int(counts.get('accessKeyConfigurations', 0)):,}",
              f"{int(counts.get('accessKeys', 0)):,}", latency, pages, page, latency, bound))
    print()
    print("| run | wall s (median of runs) | ÷ lower bound | peak RSS MB (max) | outcome |")
    print("|---|---:|---:|---:|---|")

    def row(label, runs, outcome):
        if not runs:
            return
        seconds = median([float(r["seconds"]) for r in runs])
        rss = max(int(r.get("rss_kb", 0)) for r in runs) / 1024
        print("| %s | %.2f (%d) | %.2f | %.0f | %s |" % (label, seconds, len(runs), seconds / bound, rss, outcome))

    lists = [v for k, v in lines if k == "LIST"]
    row("luagate lists the 3 collections at once (`account_list.lua`, no plan)", lists,
        "%s records" % (lists[0].get("count", "?") if lists else "?"))
    exports = [v for k, v in lines if k == "EXPORT"]
    row("`--export` (3 collections)", exports, "exit %s" % (exports[0]["status"] if exports else "?"))
    plans = {}
    for k, v in lines:
        if k == "PLAN":
            plans.setdefault(v["file"], []).append(v)
    labels = {"export": "`--plan` of the exported file", "generated": "`--plan` of the generated file (`account_gen.py`)",
              "wrapped": "`--plan` of the exported file loaded by a wrapper (its text unseen)",
              "changed": "`--plan` with %s descriptions changed (wrapper)" % setup.get("changes", "?")}
    for kind in ("export", "generated", "wrapped", "changed"):
        runs = plans.get(kind, [])
        row(labels[kind], runs, "exit %s, %s changes" % (
            "/".join(sorted({r["status"] for r in runs})), "/".join(sorted({r["changes"] for r in runs}))))
    applies = [v for k, v in lines if k == "APPLY"]
    if applies:
        rates = [int(a["done"]) / float(a["phase_s"]) for a in applies if float(a["phase_s"]) > 0] or [float("nan")]
        row("`--apply` (plan, then %s updates at --concurrency %d)" % (setup.get("changes", "?"), concurrency), applies,
            "exit %s; apply phase %.2f s, %.0f changes/s; %s reads, %s writes; after: %s changes" % (
                "/".join(sorted({a["status"] for a in applies})), median([float(a["phase_s"]) for a in applies]),
                median(rates), applies[0].get("reads", "?"), applies[0].get("mutations", "?"),
                applies[0].get("changes_after", "?")))

    print()
    print("| target | measured | target | result |")
    print("|---|---:|---:|---|")
    main_plan = plans.get("export") or plans.get("generated") or []
    if lists:
        print(check("listing alone / lower bound (reference)", median([float(r["seconds"]) for r in lists]) / bound, "<=", 1.2))
    if main_plan:
        print(check("plan wall time / lower bound", median([float(r["seconds"]) for r in main_plan]) / bound, "<=", 1.2))
        print(check("plan peak RSS", max(int(r["rss_kb"]) for r in main_plan) / 1024, "<=", 150, " MB"))
        print(check("changes in the plan of the unchanged account", max(int(r["changes"]) for r in main_plan), "<=", 0))
    if plans.get("wrapped"):
        print(check("plan through a wrapper / lower bound (no file text)",
                    median([float(r["seconds"]) for r in plans["wrapped"]]) / bound, "<=", 1.2))
    if applies:
        print(check("apply changes/s / %d × %d = %.0f" % (concurrency, 1000 / float(setup.get("latency_ms", "50")), ideal_rate),
                    median(rates) / ideal_rate, ">=", 0.9))
        try:  # requests per change: the reads beyond the plan's list pages, and the writes
            pages = sum(int(v["requests"]) for k, v in lines if k == "PAGES")
            done = int(applies[0]["done"])
            per_change = (int(applies[0]["reads"]) - pages + int(applies[0]["mutations"])) / done
            print("| requests per change in the apply phase (reads + writes; 1 allows 320/s, 2 at most 160/s) |"
                  " %.2f | <= 1.00 | %s |" % (per_change, "PASS" if per_change <= 1.0 else "MISS"))
        except (KeyError, ValueError, ZeroDivisionError):
            pass
        after = applies[0].get("changes_after", "-")
        if after not in ("-", "?"):
            print(check("changes in the plan right after the apply", int(after), "<=", 0))

    pages = [v for k, v in lines if k == "PAGES"]
    if pages:
        print()
        run = float(pages[0]["run_s"])
        print("Requests of one `--verbose` plan (wrapped file, %.2f s wall), by path: the longest chain of pages against"
              " the whole run shows the time outside the requests (start-up, checks, decoding between pages, the diff)." % run)
        print()
        print("| path | requests | sum s | mean ms | max ms |")
        print("|---|---:|---:|---:|---:|")
        for v in pages:
            print("| %s | %s | %.2f | %.1f | %.1f |" % (v["path"], v["requests"], float(v["sum_s"]), float(v["mean_ms"]),
                                                      float(v["max_ms"])))


if __name__ == "__main__":
    main()
