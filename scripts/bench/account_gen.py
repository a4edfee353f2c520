"""Generates the large account of the declarative-accounts benchmark (issue 20, scripts/bench/account.sh).

    python3 account_gen.py OUT_DIR [--provider-keys 10000] [--configurations 500] [--access-keys 2000]
                           [--stack bench] [--models-from SNAPSHOT.json] [--seed 1]

Writes, deterministically (same arguments, same bytes):
  OUT_DIR/snapshot.json   the account as `luagate --snapshot` writes it (`fake-ngrok-ai --data`,
                          `luagate --sandbox-data`): provider keys, access key configurations (each
                          with `access.providers.allow` and a router rule naming 3 provider keys of
                          its provider by id) and access keys (9 in 10 limited by a configuration).
                          Every record carries the ownership marker of the stack in its metadata
                          (`{"luagate":{"stack":"bench"}}`, configurations also a `team` member).
  OUT_DIR/account.lua     the same account as an account file (issue 20's contract shape): names
                          for references, `account.env` placeholders for the secrets.
  OUT_DIR/counts.txt      "COUNTS providerKeys=N accessKeyConfigurations=N accessKeys=N".

`--models-from` copies the model catalogue (`models`) and the gateway configuration of another
snapshot (e.g. `luagate --sandbox --snapshot`), so the fake serves the same built-in providers.
"""
import argparse
import json
import os
import random

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PROVIDERS = ["openai", "anthropic", "google", "mistral", "groq", "deepseek"]
# The first counter of the fake's ids (RecordIDGenerator.origin): ids look like the fake's own.
ORIGIN = 2 * 62 ** 7 + 1_234_567_890
USERS = ["usr_fake", "usr_2alice", "usr_2bob"]
BASE_TIME = 1_767_225_600  # 2026-01-01T00:00:00Z


class Ids:
    """Sortable ids in the fake's scheme: prefix + 8 base62 counter characters + 19 random ones."""

    def __init__(self, prefix, rng):
        self.prefix, self.rng, self.counter = prefix, rng, ORIGIN

    def next(self):
        rest, digits = self.counter, []
        for _ in range(8):
            digits.append(ALPHABET[rest % 62])
            rest //= 62
        self.counter += 1
        return self.prefix + "".join(reversed(digits)) + "".join(self.rng.choice(ALPHABET) for _ in range(19))


def timestamp(offset):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(BASE_TIME + offset))


def marker(stack, **extra):
    return json.dumps(dict(extra, luagate={"stack": stack}), separators=(",", ":"), sort_keys=True)


def lua_string(text):
    return json.dumps(text)  # the names and texts here are ASCII without escapes Lua reads differently


def generate(args):
    rng = random.Random(args.seed)
    users = lambda i: {"id": USERS[i % len(USERS)]}  # noqa: E731

    provider_keys = []
    ids = Ids("aigpk_", rng)
    for i in range(1, args.provider_keys + 1):
        provider = PROVIDERS[(i - 1) % len(PROVIDERS)]
        secret = "sk-" + "".join(rng.choice(ALPHABET) for _ in range(40))
        provider_keys.append({
            "id": ids.next(), "name": "pk-%05d" % i, "providerId": provider,
            "description": "bench key %d" % i, "metadata": marker(args.stack),
            "keyRedacted": secret[:10] + "***" + secret[-4:],
            "createdAt": timestamp(i), "updatedAt": timestamp(i), "createdBy": users(i), "lastUpdatedBy": users(i),
        })
    by_provider = {p: [k for k in provider_keys if k["providerId"] == p] for p in PROVIDERS}

    configurations = []
    ids = Ids("aigakc_", rng)
    for i in range(1, args.configurations + 1):
        provider = PROVIDERS[(i - 1) % len(PROVIDERS)]
        pool = by_provider[provider]
        keys = [pool[(i * 3 + j) % len(pool)] for j in range(3)] if pool else []
        allow = sorted({provider, PROVIDERS[i % len(PROVIDERS)]})
        configurations.append({
            "id": ids.next(), "name": "cfg-%03d" % i, "description": "bench configuration %d" % i,
            "metadata": marker(args.stack, team="team-%02d" % (i % 40)),
            "access": {"providers": {"allow": allow}},
            "router": {"rules": [{"provider": provider, "steps": [
                {"type": "user", "keys": [{"id": k["id"], "name": k["name"], "keyRedacted": k["keyRedacted"]} for k in keys]},
                {"type": "ngrok"}]}]},
            "createdAt": timestamp(i), "updatedAt": timestamp(i), "createdBy": users(i), "lastUpdatedBy": users(i),
        })

    access_keys = []
    ids = Ids("aigak_", rng)
    for i in range(1, args.access_keys + 1):
        record = {
            "id": ids.next(), "name": "ak-%04d" % i, "description": "bench access key %d" % i,
            "metadata": marker(args.stack), "keyRedacted": "ngak_%04d***%04d" % (i, i),
            "createdAt": timestamp(i), "updatedAt": timestamp(i), "createdBy": users(i), "lastUpdatedBy": users(i),
        }
        if configurations and i % 10 != 0:  # 9 in 10 limited by a configuration, the rest allow-all
            configuration = configurations[(i - 1) % len(configurations)]
            record["accessKeyConfiguration"] = {"id": configuration["id"], "name": configuration["name"]}
        access_keys.append(record)

    snapshot = {
        "aiGatewayProviderKeys": provider_keys,
        "aiGatewayAccessKeyConfigurations": configurations,
        "aiGatewayAccessKeys": access_keys,
    }
    if args.models_from:
        with open(args.models_from) as file:
            other = json.load(file)
        for member in ("models", "gatewayConfig"):
            if member in other:
                snapshot[member] = other[member]
    return snapshot, provider_keys, configurations, access_keys


def account_file(stack, provider_keys, configurations, access_keys):
    out = ['-- Generated by scripts/bench/account_gen.py: the benchmark account of scripts/bench/account.sh.',
           'local account = require "luagate.account"',
           'return account {',
           '  stack = %s,' % lua_string(stack),
           '  providerKeys = {']
    for k in provider_keys:
        out.append('    { name = %s, providerId = %s, value = account.env %s, description = %s },' % (
            lua_string(k["name"]), lua_string(k["providerId"]), lua_string("BENCH_" + k["name"].upper().replace("-", "_")),
            lua_string(k["description"])))
    out.append('  },')
    out.append('  accessKeyConfigurations = {')
    for c in configurations:
        rule = c["router"]["rules"][0]
        keys = ", ".join(lua_string(k["name"]) for k in rule["steps"][0]["keys"])
        allow = ", ".join(lua_string(p) for p in c["access"]["providers"]["allow"])
        team = json.loads(c["metadata"])["team"]
        out.append('    { name = %s, description = %s, metadata = { team = %s },' % (
            lua_string(c["name"]), lua_string(c["description"]), lua_string(team)))
        out.append('      access = { providers = { allow = { %s } } },' % allow)
        out.append('      router = { rules = { { provider = %s, steps = { { type = "user", keys = { %s } }, { type = "ngrok" } } } } } },' % (
            lua_string(rule["provider"]), keys))
    out.append('  },')
    out.append('  accessKeys = {')
    for a in access_keys:
        reference = ""
        if "accessKeyConfiguration" in a:
            reference = ", accessKeyConfiguration = %s" % lua_string(a["accessKeyConfiguration"]["name"])
        out.append('    { name = %s, description = %s%s },' % (lua_string(a["name"]), lua_string(a["description"]), reference))
    out.append('  },')
    out.append('}')
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--provider-keys", type=int, default=10_000)
    parser.add_argument("--configurations", type=int, default=500)
    parser.add_argument("--access-keys", type=int, default=2_000)
    parser.add_argument("--stack", default="bench")
    parser.add_argument("--models-from")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    snapshot, provider_keys, configurations, access_keys = generate(args)
    with open(os.path.join(args.out_dir, "snapshot.json"), "w") as file:
        json.dump(snapshot, file, indent=1, sort_keys=True)
        file.write("\n")
    with open(os.path.join(args.out_dir, "account.lua"), "w") as file:
        file.write(account_file(args.stack, provider_keys, configurations, access_keys))
    with open(os.path.join(args.out_dir, "counts.txt"), "w") as file:
        file.write("COUNTS providerKeys=%d accessKeyConfigurations=%d accessKeys=%d\n" % (
            len(provider_keys), len(configurations), len(access_keys)))


if __name__ == "__main__":
    main()
