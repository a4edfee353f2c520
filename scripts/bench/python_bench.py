"""Python client for scripts/bench/run.sh: requests.Session, sequential or a thread pool.

    python3 python_bench.py URL TOKEN sequential|threads [count] [threads]
    python3 python_bench.py URL TOKEN ids          # prints every key id, one a line

Lists the key ids once, then sends `count` PATCH updates and prints the RESULT line.
"""
import concurrent.futures
import sys
import threading
import time

import requests

from summary import result_line


def list_ids(session, base):
    ids, url = [], base + "/provider-keys?limit=100"
    for _ in range(10000):  # bounded: at most a million keys
        if not url:
            break
        page = session.get(url)
        page.raise_for_status()
        body = page.json()
        ids += [key["id"] for key in body["aiGatewayProviderKeys"]]
        url = body.get("nextPageUri")
    return ids


def main():
    base, token, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    headers = {"Authorization": "Bearer " + token}

    def new_session():
        session = requests.Session()
        session.headers.update(headers)
        return session

    ids = list_ids(new_session(), base)
    if mode == "ids":
        print("\n".join(ids))
        return

    local = threading.local()

    def update(i):
        session = getattr(local, "session", None) or new_session()
        local.session = session
        t0 = time.monotonic()
        response = session.patch("%s/provider-keys/%s" % (base, ids[i % len(ids)]), json={"name": "python-%d" % i})
        return time.monotonic() - t0, response.status_code

    start = time.monotonic()
    if mode == "sequential":
        outcomes = [update(i) for i in range(count)]
    elif mode == "threads":
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            outcomes = list(pool.map(update, range(count)))
    else:
        sys.exit("mode must be sequential, threads or ids")
    seconds = time.monotonic() - start
    errors = sum(1 for _, status in outcomes if not 200 <= status < 300)
    print(result_line([elapsed for elapsed, _ in outcomes], seconds, errors))


if __name__ == "__main__":
    main()
