#!/usr/bin/env python3
"""tests/host/vjson.py - check one `vctl --json` run (run-host.sh, run-kernel.sh).

usage: vjson.py JSONFILE STATUS WANT EXPR [TEXTFILE]

JSONFILE is vctl's stdout, STATUS its exit status, WANT the status the test wants.
Checks, for every document: STATUS == WANT; the whole of stdout is one JSON object on
one line, ASCII only; "command" is there and "exit" == STATUS; "error" is there exactly
when STATUS != 0, and then "code" is a negative number whose name in libv's v/err.h is
"name"; every "K_hex" beside a number "K" is that number in hex (or a list of them beside
a list of numbers), at any depth. Then EXPR, a Python expression, must be true, with
d = the document, t = TEXTFILE's lines (vctl's text output of the same command, if
given), E = the environment (values the test knows, such as a peer's pid) and col().
Prints nothing and exits 0 if all holds, else one line saying what failed, exit 1."""
import json
import os
import re
import sys


def err_names():
    """{code: "V_E..."} from libv/include/v/err.h, the one place that defines them."""
    here = os.path.dirname(os.path.abspath(__file__))
    src = open(os.path.join(here, '../../libv/include/v/err.h')).read()
    return {int(c): n for n, c in re.findall(r'#define (V_E[A-Z]+)\s+\((-\d+)\)', src)}


def hex_pairs(v, where='d'):
    """Complaints about K_hex members that do not spell their K."""
    bad = []
    if isinstance(v, dict):
        for k, x in v.items():
            if k.endswith('_hex') and k[:-4] in v:
                n = v[k[:-4]]
                xs, ns = (x, n) if isinstance(x, list) else ([x], [n])
                if not isinstance(ns, list) or len(xs) != len(ns) or not all(
                        isinstance(a, str) and a.startswith('0x') and isinstance(b, int)
                        and int(a, 16) == b for a, b in zip(xs, ns)):
                    bad.append(f'{where}.{k} = {x!r} but {k[:-4]} = {n!r}')
            bad += hex_pairs(x, f'{where}.{k}')
    elif isinstance(v, list):
        for i, x in enumerate(v):
            bad += hex_pairs(x, f'{where}[{i}]')
    return bad


def col(lines, i, skip=1):
    """Column i (whitespace-split) of the text output's lines after `skip` header lines,
    up to the first line in parentheses."""
    out = []
    for l in lines[skip:]:
        if l.startswith('('):
            break
        out.append(l.split()[i])
    return out


def check(raw, status, want, expr, text):
    if status != want:
        return f'exit {status}, want {want}'
    if not raw.endswith(b'\n') or raw.count(b'\n') != 1:
        return f'not one line: {raw[:200]!r}'
    if any(b > 0x7e for b in raw):
        return 'not ASCII'
    try:
        d = json.loads(raw)
    except ValueError as e:
        return f'not JSON ({e}): {raw[:200]!r}'
    if not isinstance(d, dict) or 'command' not in d or d.get('exit') != status:
        return f'no object with command and exit {status}: {raw[:200]!r}'
    if ('error' in d) != (status != 0):
        return f'"error" {"missing" if status else "present"} with exit {status}'
    if 'error' in d and (not isinstance(d.get('code'), int) or
                         err_names().get(d['code']) != d.get('name')):
        return f'code {d.get("code")!r} is not named {d.get("name")!r} in v/err.h'
    bad = hex_pairs(d)
    if bad:
        return bad[0]
    env = {'d': d, 't': text, 'E': os.environ, 'col': col, 're': re}
    try:
        ok = eval('(' + expr + '\n)', env)     # EXPR may span lines
    except Exception as e:     # a missing key, a wrong type: the check failed
        return f'{expr}: {type(e).__name__} {e}'
    return None if ok else f'false: {expr}; document: {raw[:300]!r}'


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__.split('\n\n')[1])
    raw = open(sys.argv[1], 'rb').read()
    text = open(sys.argv[5], errors='replace').read().splitlines() if len(sys.argv) == 6 else []
    why = check(raw, int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], text)
    if why:
        print(' '.join(why.split()))
        sys.exit(1)


if __name__ == '__main__':
    main()
