#!/usr/bin/env python3
"""Certify a client version from a script or a CI job (issue #6): the four steps against
certification-service's REST API, with nothing but Python 3's standard library.

  1. identification with a client-credentials token of the sandbox client;
  2. selection of the features (Onboarding is always in);
  3. prints each case's instruction, optionally performs the Onboarding cases as a sample client
     against the Invoice API (--sample-invoice-api), then waits for every verdict;
  4. writes the JUnit XML report (--junit) and asks for approval.

Exit status: 0 certified; 1 a case failed or approval was refused; 2 cases still open at --timeout;
3 the service refused a step (bad input, wrong token). See certification-service/README.md.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

OPEN = {"PENDING", "REVIEW"}
PASSING = {"PASSED", "WARNING", "SKIPPED"}


class Refused(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status


def http(method, url, token=None, body=None, form=None, headers=None, accept="application/json"):
    data, all_headers = None, {"Accept": accept}
    if body is not None:
        data, all_headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data, all_headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    if token:
        all_headers["Authorization"] = "Bearer " + token
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as e:
        raise Refused(e.code, e.read().decode()) from None
    return json.loads(text) if text and accept == "application/json" else text


def token(args, form):
    return http("POST", args.keycloak + "/protocol/openid-connect/token", form=form)


def perform_onboarding(args):
    """The Onboarding cases as a sample client does them: reads with a merchant token, then a refreshed one."""
    grant = token(args, {"grant_type": "password", "client_id": args.client_id, "client_secret": args.client_secret,
                         "username": args.merchant_user, "password": args.merchant_password, "scope": "openid invoice"})
    gateway = {"x-ibm-client-id": args.client_id, "x-ibm-client-secret": args.client_secret,
               "X-Client-System-Name": args.system, "X-Client-System-Version": args.version}
    me = http("GET", args.sample_invoice_api + "/api/v1/merchants/me", grant["access_token"], headers=gateway)
    http("GET", f"{args.sample_invoice_api}/api/v1/merchants/{me['merchantId']}/invoiceissuers", grant["access_token"], headers=gateway)
    time.sleep(1.1)  # the refreshed token must carry a later iat (whole seconds)
    refreshed = token(args, {"grant_type": "refresh_token", "client_id": args.client_id,
                             "client_secret": args.client_secret, "refresh_token": grant["refresh_token"]})
    http("GET", args.sample_invoice_api + "/api/v1/merchants/me", refreshed["access_token"], headers=gateway)
    print("sample client: merchants/me, invoiceissuers, merchants/me with a refreshed token")


def write_junit(args, run_url, sandbox, status):
    """The report as JUnit XML, written last so that it carries the run's final result."""
    if args.junit:
        with open(args.junit, "w", encoding="utf-8") as out:
            out.write(http("GET", run_url + "/report.xml", sandbox, accept="application/xml"))
    return status


def main(argv):
    p = argparse.ArgumentParser(description="Certify a client version through certification-service.")
    p.add_argument("--url", default="http://127.0.0.1:8084", help="certification-service")
    p.add_argument("--keycloak", default="http://127.0.0.1:8180/realms/payments", help="the realm's URL")
    p.add_argument("--integrator", required=True)
    p.add_argument("--client-id", required=True, help="the sandbox client whose traffic is judged")
    p.add_argument("--client-secret", required=True)
    p.add_argument("--production-client", required=True, help="the production client id to be admitted")
    p.add_argument("--system", required=True, help="X-Client-System-Name")
    p.add_argument("--version", required=True, help="X-Client-System-Version, Major.Minor.Build")
    p.add_argument("--features", default="", help="comma-separated feature ids; Onboarding is always in")
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait for every verdict")
    p.add_argument("--junit", help="write the JUnit XML report here")
    p.add_argument("--sample-invoice-api", help="perform the Onboarding cases as a sample client against this Invoice API")
    p.add_argument("--merchant-user", default="merchant-1")
    p.add_argument("--merchant-password", default="merchant-1-password")
    args = p.parse_args(argv)
    api = args.url.rstrip("/") + "/api/v1/certification"
    try:
        sandbox = token(args, {"grant_type": "client_credentials", "client_id": args.client_id,
                               "client_secret": args.client_secret})["access_token"]
        run = http("POST", api + "/runs", body={
            "integratorId": args.integrator, "sandboxClientId": args.client_id, "productionClientId": args.production_client,
            "clientSystemName": args.system, "clientVersion": args.version, "accessToken": sandbox})
        run_url = f"{api}/runs/{run['id']}"
        print(f"run {run['id']}", flush=True)
        features = [f.strip() for f in args.features.split(",") if f.strip()]
        run = http("PUT", run_url + "/features", sandbox, body={"features": features})
        for case in run["cases"]:
            print(f"case {case['id']}: {case['instruction']}", flush=True)
        if args.sample_invoice_api:
            perform_onboarding(args)

        deadline = time.monotonic() + args.timeout
        # waits for every verdict, or for the first failure: one failed case already decides the run
        while (any(c["status"] in OPEN for c in run["cases"]) and not any(c["status"] == "FAILED" for c in run["cases"])
               and time.monotonic() < deadline):
            time.sleep(1)
            run = http("GET", run_url, sandbox)
        for case in run["cases"]:
            print(f"{case['status']:8} {case['id']}: {case.get('reason') or ''}", flush=True)
        still_open = [c["id"] for c in run["cases"] if c["status"] in OPEN]
        if still_open and not any(c["status"] == "FAILED" for c in run["cases"]):
            print(f"NOT CERTIFIED: no verdict within {args.timeout:g} s for {', '.join(still_open)}")
            return write_junit(args, run_url, sandbox, 2)
        if any(c["status"] not in PASSING for c in run["cases"]):
            print("NOT CERTIFIED: a case did not pass")
            return write_junit(args, run_url, sandbox, 1)
        certificate = http("POST", run_url + "/approval", sandbox)["certificate"]
        print(f"CERTIFIED: certificate {certificate['id']} admits {certificate['clientSystemName']} "
              f"{certificate['majorMinor']}.x on {certificate['productionClientId']}")
        return write_junit(args, run_url, sandbox, 0)
    except Refused as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1 if e.status == 409 else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
