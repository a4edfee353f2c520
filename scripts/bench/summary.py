"""The RESULT line every benchmark client prints, from per-request latencies.

    python3 summary.py START END < lines    # each line: "HTTP_STATUS TIME_SECONDS" (curl -w)
"""
import math
import sys


def result_line(latencies, seconds, errors):
    """RESULT count=N seconds=S p50_ms=X p99_ms=Y errors=E (nearest-rank percentiles)."""
    ordered = sorted(latencies)

    def percentile(p):
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)] * 1000

    return "RESULT count=%d seconds=%.4f p50_ms=%.3f p99_ms=%.3f errors=%d" % (
        len(ordered), seconds, percentile(0.50), percentile(0.99), errors)


if __name__ == "__main__":
    latencies, errors = [], 0
    for line in sys.stdin:
        status, elapsed = line.split()
        latencies.append(float(elapsed))
        errors += not status.startswith("2")
    print(result_line(latencies, float(sys.argv[2]) - float(sys.argv[1]), errors))
