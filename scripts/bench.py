#!/usr/bin/env python3
"""Whole-process benchmarks for terraform-provider-auth0.

Prints one table (figure, median, min-max, target, ratio) and writes BENCHMARKS.md.
Measures: launch-to-handshake time, idle RSS, peak RSS during an apply (from outside,
through scripts/peak-rss-wrapper.c, compiled with cc), stripped binary size, `terraform
plan` wall time against a built-in `terraform_data` plan (alternating runs), API calls per
command, and a 1/50/200-tenant scale run with 50 ms injected latency.

Usage: scripts/bench.py [--quick]   (run by `make bench`, which builds in release first)
"""
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "target", "release", "terraform-provider-auth0")
TENANT_BIN = os.path.join(REPO, "target", "release", "local-tenant")
COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
QUICK = "--quick" in sys.argv


def med(xs):
    return statistics.median(xs)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def client_cert_pem():
    # A P-521 self-signed certificate like Terraform's, made with openssl when present;
    # else TLS is disabled for the launch measurement (noted in the table).
    if not shutil.which("openssl"):
        return None
    d = tempfile.mkdtemp()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521",
                    "-nodes", "-keyout", f"{d}/k.pem", "-out", f"{d}/c.pem", "-days", "1",
                    "-subj", "/CN=localhost"], check=True, capture_output=True)
    return open(f"{d}/c.pem").read()


def launch_once(env):
    t0 = time.perf_counter()
    p = subprocess.Popen([BIN], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline()
    t1 = time.perf_counter()
    assert line.startswith(b"1|6|"), line
    return p, (t1 - t0) * 1000


def bench_launch(runs):
    env = dict(os.environ, TF_PLUGIN_MAGIC_COOKIE=COOKIE, PLUGIN_PROTOCOL_VERSIONS="5,6")
    pem = client_cert_pem()
    if pem:
        env["PLUGIN_CLIENT_CERT"] = pem
    else:
        env["TF_DISABLE_PLUGIN_TLS"] = "1"
    times, rss = [], []
    for _ in range(runs):
        p, ms = launch_once(env)
        times.append(ms)
        time.sleep(0.15)
        rss.append(rss_kib(p.pid) / 1024)
        p.send_signal(signal.SIGTERM)
        p.wait()
    return times, rss, bool(pem)


class Tenant:
    def __init__(self, rate_limit=None):
        args = [TENANT_BIN, "--port", "0"] + (["--rate-limit", str(rate_limit)] if rate_limit else [])
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        self.env = {}
        for _ in range(4):
            k, v = self.p.stdout.readline().strip().split("=", 1)
            self.env[k] = v
        self.url = self.env["AUTH0_DOMAIN"]

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + "/__control/" + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def counts(self):
        reqs = self.control("GET", "requests")
        c = {"GET": 0, "PATCH": 0, "TOKEN": 0}
        for r in reqs:
            if r["path"] == "/oauth/token":
                c["TOKEN"] += 1
            elif r["path"] == "/api/v2/tenants/settings":
                c[r["method"]] = c.get(r["method"], 0) + 1
        return c

    def stop(self):
        self.p.terminate()
        self.p.wait()


def terraform():
    return subprocess.run([os.path.join(REPO, "scripts", "ensure-terraform")], check=True,
                          capture_output=True, text=True).stdout.strip()


class Workdir:
    def __init__(self, tf, body, tenant=None, aliases=None):
        self.dir = tempfile.mkdtemp(prefix="tfauth0-bench-")
        self.tf = tf
        with open(os.path.join(self.dir, "cli.tfrc"), "w") as f:
            f.write('provider_installation {\n dev_overrides {\n  "registry.terraform.io/tfauth0/auth0" = "%s"\n }\n direct {}\n}\n'
                    % os.path.dirname(BIN))
        with open(os.path.join(self.dir, "main.tf"), "w") as f:
            f.write(body)
        self.env = dict(os.environ, TF_CLI_CONFIG_FILE=os.path.join(self.dir, "cli.tfrc"),
                        CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
        for k in ("TF_LOG", "TF_LOG_PROVIDER"):
            self.env.pop(k, None)
        if tenant:
            self.env.update(AUTH0_DOMAIN=tenant.url, AUTH0_CLIENT_ID=tenant.env["AUTH0_CLIENT_ID"],
                            AUTH0_CLIENT_SECRET=tenant.env["AUTH0_CLIENT_SECRET"])
            self.env.pop("AUTH0_API_TOKEN", None)

    def run(self, *args, extra_env=None):
        env = dict(self.env, **(extra_env or {}))
        t0 = time.perf_counter()
        r = subprocess.run([self.tf, *args], cwd=self.dir, env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if r.returncode not in (0, 2):
            raise RuntimeError(f"terraform {args} failed:\n{r.stdout}\n{r.stderr}")
        return dt


PROVIDER_HEAD = 'terraform {\n required_providers {\n  auth0 = { source = "tfauth0/auth0" }\n }\n}\n'


def bench_plan_ratio(tf, tenant, runs):
    ours = Workdir(tf, PROVIDER_HEAD + 'provider "auth0" {}\nresource "auth0_tenant_session" "s" {\n session_lifetime = 168\n}\n', tenant)
    builtin = Workdir(tf, 'resource "terraform_data" "d" {\n input = 168\n}\n')
    builtin.run("init", "-input=false")
    ours.run("apply", "-auto-approve", "-input=false")
    builtin.run("apply", "-auto-approve", "-input=false")
    a, b = [], []
    for _ in range(runs):
        a.append(ours.run("plan", "-input=false", "-lock=false"))
        b.append(builtin.run("plan", "-input=false", "-lock=false"))
    return a, b, ours


def bench_api_calls(tf, tenant, ours):
    out = {}
    tenant.control("DELETE", "requests")
    ours.run("validate")
    out["validate"] = tenant.counts()
    tenant.control("DELETE", "requests")
    ours.run("plan", "-refresh-only", "-input=false", "-lock=false")
    out["refresh"] = tenant.counts()
    with open(os.path.join(ours.dir, "main.tf"), "w") as f:
        f.write(PROVIDER_HEAD + 'provider "auth0" {}\nresource "auth0_tenant_session" "s" {\n session_lifetime = 24\n}\n')
    ours.run("plan", "-input=false", "-out=p.tfplan")
    tenant.control("DELETE", "requests")
    peak = os.path.join(ours.dir, "peak.txt")
    ours.run("apply", "-input=false", "p.tfplan", extra_env=peak_rss_env(ours.dir, peak))
    out["apply"] = tenant.counts()
    return out, read_peaks(peak)


def peak_rss_env(workdir, out):
    """Environment for one Terraform command whose provider processes are the shipped
    binary, each started through scripts/peak-rss-wrapper.c, which appends the process's
    peak RSS (wait4's ru_maxrss: the kernel's high-water mark at exit, as VmHWM) to out.
    The wrapper is installed by a dev_overrides directory of its own, for this command
    only: launch time and idle RSS are measured on the bare binary, and the scale runs'
    MemSampler (which counts every "terraform-provi..." process) never sees a wrapper."""
    bindir = os.path.join(workdir, "peak-rss-bin")
    os.makedirs(bindir, exist_ok=True)
    wrapper = os.path.join(bindir, os.path.basename(BIN))
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", wrapper,
                    os.path.join(REPO, "scripts", "peak-rss-wrapper.c")], check=True)
    cfg = os.path.join(workdir, "peak-rss.tfrc")
    with open(cfg, "w") as f:
        f.write('provider_installation {\n dev_overrides {\n  "registry.terraform.io/tfauth0/auth0" = "%s"\n }\n direct {}\n}\n'
                % bindir)
    return {"TF_CLI_CONFIG_FILE": cfg, "PEAK_RSS_REAL": BIN, "PEAK_RSS_OUT": out}


def read_peaks(path):
    """Peak RSS in MiB of each provider process the wrapper saw. A forked child's
    ru_maxrss also counts the wrapper's memory it started with, so a figure is the
    provider's only when above the wrapper's own VmHWM; refuse any that is not."""
    if not os.path.exists(path):
        raise RuntimeError("no provider process reported its peak RSS (" + path + ")")
    peaks = []
    for line in open(path):
        pid, child_kib, wrapper_kib = (int(x) for x in line.split())
        if child_kib <= wrapper_kib:
            raise RuntimeError(f"provider {pid}: peak {child_kib} KiB not above the wrapper's "
                               f"{wrapper_kib} KiB, so not the provider's own")
        peaks.append(child_kib / 1024)
    if not peaks:
        raise RuntimeError("no provider process reported its peak RSS (" + path + ")")
    return peaks


class MemSampler(threading.Thread):
    """Sums the RSS of every running provider process of this benchmark's Terraform, every
    10 ms; keeps the maximum. Providers inherit Terraform's working directory, a fresh
    temporary one, which keeps out any other provider running on the machine (another
    checkout's tests, say)."""

    def __init__(self, cwd):
        super().__init__(daemon=True)
        self.cwd = os.path.realpath(cwd)
        self.peak = 0
        self.running = True

    def run(self):
        while self.running:
            total = 0
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/comm") as f:
                        if not f.read().startswith("terraform-provi"):
                            continue
                    if os.readlink(f"/proc/{pid}/cwd") != self.cwd:
                        continue
                    total += rss_kib(pid)
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.01)


def bench_scale(tf, n):
    # One local server stands in for N tenants, each of which would have its own rate
    # limit at Auth0; give it N tenants' worth.
    tenant = Tenant(rate_limit=50 * n)
    tenant.control("POST", "faults", {"kind": "latency", "millis": 50, "times": 10_000_000})
    body = PROVIDER_HEAD
    for i in range(n):
        body += (f'provider "auth0" {{\n alias = "t{i}"\n domain = "{tenant.url}"\n'
                 f' client_id = "{tenant.env["AUTH0_CLIENT_ID"]}"\n client_secret = "{tenant.env["AUTH0_CLIENT_SECRET"]}"\n}}\n'
                 f'resource "auth0_tenant_session" "t{i}" {{\n provider = auth0.t{i}\n session_lifetime = {24 + i % 100}\n}}\n')
    w = Workdir(tf, body)
    res = {}
    for cmd in (["apply", "-auto-approve", "-input=false", "-parallelism=" + str(min(n, 50))],
                ["plan", "-input=false", "-parallelism=" + str(min(n, 50))]):
        tenant.control("DELETE", "requests")
        s = MemSampler(w.dir)
        s.start()
        dt = w.run(*cmd)
        s.running = False
        s.join()
        res[cmd[0]] = (dt, s.peak / 1024, tenant.counts()["TOKEN"])
    tenant.stop()
    return res


def fmt_load(load):
    return "/".join(f"{x:.2f}" for x in load)


def main():
    load_start = os.getloadavg()
    runs = 10 if QUICK else 30
    rows = []

    def row(name, values, unit, target=None, better="lower", fmt="{:.1f}"):
        m = med(values)
        rng = f"{fmt.format(min(values))}-{fmt.format(max(values))}"
        tgt = ""
        ratio = ""
        if target is not None:
            tgt = f"< {fmt.format(target)} {unit}"
            ratio = f"{m / target:.2f}x of target" + (" ✓" if m < target else " ✗")
        rows.append((name, f"{fmt.format(m)} {unit}", rng, tgt, ratio))

    launch, idle, tls = bench_launch(runs)
    row("launch to handshake line" + ("" if tls else " (TLS off)"), launch, "ms", 5.0, fmt="{:.2f}")
    row("idle RSS after handshake", idle, "MiB", 8.0)
    stripped = tempfile.mktemp()
    shutil.copy(BIN, stripped)
    subprocess.run(["strip", stripped], check=False)
    size = os.path.getsize(stripped) / (1 << 20)
    row("stripped release binary", [size], "MiB", 10.0)

    tf = terraform()
    tf_version = subprocess.run([tf, "version"], capture_output=True, text=True).stdout.splitlines()[0]
    tenant = Tenant()
    ours, builtin, wd = bench_plan_ratio(tf, tenant, 5 if QUICK else 15)
    row("terraform plan, auth0_tenant_session", [x * 1000 for x in ours], "ms")
    row("terraform plan, terraform_data (built in)", [x * 1000 for x in builtin], "ms")
    ratios = [a / b for a, b in zip(ours, builtin)]
    m = med(ratios)
    rows.append(("plan time ratio (alternating runs)", f"{m:.2f}x", f"{min(ratios):.2f}-{max(ratios):.2f}",
                 "<= 1.30x", "✓" if m <= 1.3 else "✗"))
    calls, peaks = bench_api_calls(tf, tenant, wd)
    tenant.stop()
    row("peak RSS of a provider process during apply", peaks, "MiB", 12.0)
    for k, c in calls.items():
        rows.append((f"API calls: {k}", f"{c['GET']} GET, {c['PATCH']} PATCH, {c['TOKEN']} token", "", "", ""))

    load_mid = os.getloadavg()
    scale = {}
    for n in ([1, 10] if QUICK else [1, 50, 200]):
        scale[n] = bench_scale(tf, n)
        for cmd, (dt, mem, tokens) in scale[n].items():
            rows.append((f"scale {n} tenants, {cmd} (50 ms latency)", f"{dt:.1f} s",
                         f"peak total provider RSS {mem:.0f} MiB", f"tokens <= {n}",
                         f"{tokens} tokens" + (" ✓" if tokens <= n else " ✗")))

    header = ("figure", "median", "min-max / detail", "target", "result")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")
    table = "\n".join(lines)
    print(table)

    cpu = "unknown"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    inproc = os.path.join(REPO, "build", "bench-inprocess.txt")
    inproc_md = ""
    if os.path.exists(inproc):
        inproc_md = ("\n## In-process value path (`cargo bench --bench codec`)\n\n```\n"
                     + open(inproc).read().strip() + "\n```\n")
    md = f"""# Benchmarks

Produced by `make bench` (`scripts/bench.py{' --quick' if QUICK else ''}`) on {time.strftime('%Y-%m-%d')}.

- Machine: {platform.machine()}, {os.cpu_count()} cores, {cpu}, Linux {platform.release()}
- Load average (1/5/15 min): {fmt_load(load_start)} at start, {fmt_load(load_mid)} before the scale
  runs (which load the machine themselves). Times grow with other work on the machine;
  memory figures hardly move.
- Terraform: {tf_version} ({tf})
- Provider: release build (`cargo build --release`), `target/release/terraform-provider-auth0`
- Launch and idle RSS: {runs} launches with the magic cookie and a P-521 client certificate
  (AutoMTLS), time from spawn to the handshake line on stdout; RSS 150 ms later.
- Plan ratio: alternating runs of `terraform plan` on one `auth0_tenant_session` (against
  the local tenant) and on one built-in `terraform_data`, same Terraform, same machine.
- Peak RSS during apply: each provider process's peak RSS (the kernel's high-water mark,
  as VmHWM), measured from outside on the shipped binary: Terraform starts it through a
  small wrapper (`scripts/peak-rss-wrapper.c`) that waits for it with `wait4` and records
  `ru_maxrss`.
- Scale: one configuration with N provider aliases (one resource each) against the local
  tenant with 50 ms injected latency on every request; peak total RSS sums all provider
  processes alive at once (sampled every 10 ms), counting only this run's.

{table}
{inproc_md}
## Notes

- **Plan time ratio (target 1.3x, missed).** A `terraform plan` of one resource starts the
  provider three times (schema; validation; configure, upgrade, refresh, plan). From
  `TF_LOG=trace` timestamps each process lives 5 to 9 ms, of which the provider's own
  work (launch to handshake line, the table's first row; one GET; one plan) is the
  smaller part; the rest is Terraform's plugin machinery (fork/exec, its P-521 client
  certificate per launch, the TLS and HTTP/2 handshakes, waiting for exit) plus 3 to 4 ms
  of Terraform's own work between processes. Three plugin lifetimes cost roughly as much
  as the whole built-in `terraform_data` plan, so about 2x is where any plugin lands;
  what the provider controls has been cut (launch from 24 ms to under 2 ms, measured on
  an AMD EPYC host, by keeping aws-lc's random generator out of start-up, no CA bundle
  parsing for http:// tenants, one-thread runtime, no token until an API call).
- **Scale.** Terraform starts one process per provider alias; memory grows linearly at
  about 7 MiB per concurrently running provider (Terraform runs up to `-parallelism`
  resources, but every configured alias has a live process during the walk). Token
  requests stay at one per tenant per command.
- https tenants add ~2 ms per process when `SSL_CERT_FILE`/`SSL_CERT_DIR` name a
  system-sized bundle (parsed only for https).
"""
    with open(os.path.join(REPO, "BENCHMARKS.md"), "w") as f:
        f.write(md)


if __name__ == "__main__":
    main()
