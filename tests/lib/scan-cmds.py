#!/usr/bin/env python3
"""tests/lib/scan-cmds.py - the commands a bash script runs, found by reading it.

usage: scan-cmds.py FILE...      prints "COMMAND FILE:LINE" for every command word

FILE is a bash script; or a Python file (*.py: the programs it runs through subprocess
with a literal argument list, and those it looks for with shutil.which); or a Makefile
(Makefile, *.mk: the first word of each recipe line, when it is no $(VARIABLE)).

A small reader of bash, enough for this project's scripts: it knows quoting, comments,
here-documents, $(...), `...`, <(...), ${...}, $((...)), [[ ... ]], (( ... )), case
patterns, for/select lists, assignments, arrays, redirections and function definitions,
and it looks through the wrappers that run another command (timeout, env, setsid, exec,
nice, nohup, taskset, xargs, `ip netns exec NS`, `find -exec`, `command`, `bash -c`,
`eval`, and the project's own check/part/in_ns/x helpers). A word that holds an
expansion ("$QEMU", $probe) or a '/' (a project script) is not reported: those commands
are listed by hand in tools/deps.sh. Function names defined in any FILE are not reported.
tests/lib/check-deps.sh compares what this prints with the list in tools/deps.sh.
"""
import re
import sys

KEYWORDS_CMD = {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"}
KEYWORDS_END = {"fi", "done", "esac", "}"}
SEPARATORS = {";", "&", "&&", "||", "|", "|&", "(", ")", "\n"}
REDIR = re.compile(r"[0-9]*(&>>|&>|>>|>&|<&|<>|>\||>|<)")
ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+:-]*$")
# functions of the project's scripts that run their arguments as a command: how many
# words come before that command
RUNNERS = {"check": 1, "part": 1, "in_ns": 0, "x": 0}


class Word:
    def __init__(self, text, line, subs):
        self.text, self.line, self.subs = text, line, subs   # subs: programs inside it

    def plain(self):
        """The word without its quotes, or None when it holds an expansion."""
        if "$" in self.text or "`" in self.text:
            return None
        out, q = [], None
        i = 0
        while i < len(self.text):
            c = self.text[i]
            if q:
                if c == q:
                    q = None
                else:
                    out.append(c)
            elif c in "'\"":
                q = c
            elif c == "\\" and i + 1 < len(self.text):
                i += 1
                out.append(self.text[i])
            else:
                out.append(c)
            i += 1
        return "".join(out)

    def unquoted(self):
        """The text with one level of quotes taken off (for bash -c / eval strings)."""
        t = self.text
        if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
            return t[1:-1]
        return t


class Lexer:
    def __init__(self, text, line=1):
        self.s, self.i, self.line = text, 0, line
        self.heredocs = []       # delimiters whose bodies start at the next newline

    def peek(self, k=0):
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def skip_balanced(self, open_c, close_c):
        """From just after open_c, to just after its matching close_c."""
        depth = 1
        while self.i < len(self.s) and depth:
            c = self.s[self.i]
            if c == "\\":
                self.i += 1
            elif c == "'" and open_c != "'":
                j = self.s.find("'", self.i + 1)
                if j < 0:
                    j = len(self.s) - 1
                self.line += self.s.count("\n", self.i, j)
                self.i = j
            elif c == open_c:
                depth += 1
            elif c == close_c:
                depth -= 1
            elif c == "\n":
                self.line += 1
            self.i += 1

    def skip_heredocs(self):
        """At a newline with here-documents pending: skip their bodies."""
        for strip, delim in self.heredocs:
            while self.i < len(self.s):
                j = self.s.find("\n", self.i)
                if j < 0:
                    j = len(self.s)
                body = self.s[self.i:j]
                self.i = j + 1
                self.line += 1
                if (body.lstrip("\t") if strip else body) == delim:
                    break
        self.heredocs = []

    def nested(self, close):
        """Lex a program up to the unmatched `close` (')' or '`'); returns its tokens."""
        return self.tokens(close)

    def tokens(self, close=None):
        toks = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if close and c == close:
                self.i += 1
                return toks
            if c == "\n":
                toks.append(("op", "\n", self.line))
                self.i += 1
                self.line += 1
                if self.heredocs:
                    self.skip_heredocs()
                continue
            if c in " \t":
                self.i += 1
                continue
            if c == "\\" and self.peek(1) == "\n":
                self.i += 2
                self.line += 1
                continue
            if c == "#":
                j = self.s.find("\n", self.i)
                self.i = len(self.s) if j < 0 else j
                continue
            m = re.match(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2", self.s[self.i:])
            if m and not self.s.startswith("<<<", self.i):
                self.heredocs.append((m.group(1) == "-", m.group(3)))
                self.i += m.end()
                toks.append(("op", "heredoc", self.line))
                continue
            if self.s.startswith("<<<", self.i):
                self.i += 3
                toks.append(("op", "redir", self.line))
                continue
            if self.s.startswith("((", self.i):
                self.i += 2
                self.skip_balanced("(", ")")
                self.skip_balanced("(", ")")
                toks.append(("op", "arith", self.line))
                continue
            if c in "<>" and self.peek(1) == "(":
                self.i += 2
                toks.append(("w", Word("<(...)", self.line, [self.nested(")")]), self.line))
                continue
            for op in (";;&", ";;", ";&", "&&", "||", "|&"):
                if self.s.startswith(op, self.i):
                    toks.append(("op", op, self.line))
                    self.i += len(op)
                    break
            else:
                m = REDIR.match(self.s, self.i)
                if m:
                    self.i = m.end()
                    toks.append(("op", "redir", self.line))
                    continue
                if c in ";&|()":
                    toks.append(("op", c, self.line))
                    self.i += 1
                    continue
                toks.append(("w", self.word(close), self.line))
                continue
        return toks

    def word(self, close):
        start, line, subs = self.i, self.line, []
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\n;&|()<>" or (close and c == close):
                break
            if c == "\\":
                self.i += 2
                continue
            if c == "'":
                j = self.s.find("'", self.i + 1)
                j = len(self.s) - 1 if j < 0 else j
                self.line += self.s.count("\n", self.i, j)
                self.i = j + 1
                continue
            if c == '"':
                self.i += 1
                self.dquote(subs)
                continue
            if c == "`":
                self.i += 1
                subs.append(self.nested("`"))
                continue
            if c == "$":
                self.dollar(subs)
                continue
            self.i += 1
        return Word(self.s[start:self.i], line, subs)

    def dollar(self, subs):
        if self.s.startswith("$((", self.i):
            self.i += 3
            self.skip_balanced("(", ")")
            self.skip_balanced("(", ")")
        elif self.s.startswith("$(", self.i):
            self.i += 2
            subs.append(self.nested(")"))
        elif self.s.startswith("${", self.i):
            self.i += 2
            self.skip_balanced("{", "}")
        else:
            self.i += 1

    def dquote(self, subs):
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == '"':
                self.i += 1
                return
            if c == "\\":
                self.i += 2
                continue
            if c == "\n":
                self.line += 1
            if c == "$":
                self.dollar(subs)
                continue
            if c == "`":
                self.i += 1
                subs.append(self.nested("`"))
                continue
            self.i += 1


class Scanner:
    def __init__(self):
        self.found = []          # (command, file, line)
        self.functions = set()

    def program(self, toks, fname):
        expect, i, n = True, 0, len(toks)
        pattern = False          # inside a case's patterns, until ')'
        while i < n:
            kind, val, line = toks[i]
            if kind == "w":
                for sub in val.subs:
                    self.program(sub, fname)
            if kind == "op":
                if val in (";;", ";&", ";;&"):
                    pattern, expect = True, False
                elif val == ")" and pattern:
                    pattern, expect = False, True
                elif val in SEPARATORS:
                    expect = True
                elif val == "redir":
                    if i + 1 < n and toks[i + 1][0] == "w":
                        for sub in toks[i + 1][1].subs:
                            self.program(sub, fname)
                        i += 1
                i += 1
                continue
            text = val.text
            if pattern:
                if text == "esac":
                    pattern, expect = False, False
                i += 1
                continue
            if not expect:
                i += 1
                continue
            if ASSIGN.match(text):
                # NAME=(...) : an array; its words are no commands
                if text.endswith("=") and i + 1 < n and toks[i + 1][1] == "(":
                    i += 2
                    while i < n and toks[i][1] != ")":
                        if toks[i][0] == "w":
                            for sub in toks[i][1].subs:
                                self.program(sub, fname)
                        i += 1
                i += 1
                continue
            if text in KEYWORDS_CMD:
                i += 1
                continue
            if text in KEYWORDS_END:
                expect = False
                i += 1
                continue
            if text in ("for", "select"):
                i += 1
                while i < n and not (toks[i][0] == "op" and toks[i][1] in (";", "\n")) \
                        and not (toks[i][0] == "w" and toks[i][1].text == "do"):
                    if toks[i][0] == "w":
                        for sub in toks[i][1].subs:
                            self.program(sub, fname)
                    i += 1
                continue
            if text == "case":
                i += 1
                while i < n and not (toks[i][0] == "w" and toks[i][1].text == "in"):
                    if toks[i][0] == "w":
                        for sub in toks[i][1].subs:
                            self.program(sub, fname)
                    i += 1
                pattern, expect = True, False
                i += 1
                continue
            if text == "function":
                if i + 1 < n:
                    self.functions.add(toks[i + 1][1].text if toks[i + 1][0] == "w" else "")
                i += 2
                continue
            if text == "[[":
                while i < n and not (toks[i][0] == "w" and toks[i][1].text == "]]"):
                    if toks[i][0] == "w":
                        for sub in toks[i][1].subs:
                            self.program(sub, fname)
                    i += 1
                expect = False
                i += 1
                continue
            if i + 2 < n and toks[i + 1][1] == "(" and toks[i + 2][1] == ")":
                self.functions.add(text)
                i += 3
                continue
            # a simple command: its words up to the next separator
            j = i
            words = []
            while j < n and not (toks[j][0] == "op" and toks[j][1] in SEPARATORS | {";;", ";&", ";;&"}):
                if toks[j][0] == "op" and toks[j][1] == "redir":
                    j += 2
                    continue
                if toks[j][0] == "w":
                    words.append(toks[j][1])
                    # local NAME=(...) : an array among the arguments
                    t = toks[j][1].text
                    if ASSIGN.match(t) and t.endswith("=") and j + 1 < n and toks[j + 1][1] == "(":
                        j += 2
                        while j < n and toks[j][1] != ")":
                            if toks[j][0] == "w":
                                words.append(toks[j][1])
                            j += 1
                j += 1
            self.command(words, fname)
            for w in words:
                for sub in w.subs:
                    self.program(sub, fname)
            i = j
            expect = False

    def command(self, words, fname):
        """Record the command of a simple command's words, looking through wrappers."""
        k = 0
        while k < len(words):
            w = words[k]
            name = w.plain()
            if name is None or ASSIGN.match(w.text):
                if name is not None:       # env's NAME=VALUE
                    k += 1
                    continue
                return
            if "/" in name or not NAME.match(name):
                return
            self.found.append((name, fname, w.line))
            rest = [x.plain() for x in words[k + 1:]]
            if name in ("bash", "sh") and len(rest) >= 2 and rest[0] == "-c":
                self.string(words[k + 2], fname)
                return
            if name == "eval":
                for x in words[k + 1:]:
                    self.string(x, fname)
                return
            skip = self.wrapped(name, rest, words[k + 1:])
            if skip is None:
                return
            k += 1 + skip

    def wrapped(self, name, rest, words):
        """How many words after a wrapper come before the command it runs; None if none."""
        def opts(valued=(), single=()):
            j = 0
            while j < len(rest) and rest[j] is not None and rest[j].startswith("-"):
                if rest[j] in valued:
                    j += 2
                else:
                    j += 1
            return j
        if name == "timeout":
            j = opts(valued=("-k", "-s", "--signal", "--kill-after"))
            return j + 1
        if name == "env":
            j = 0
            while j < len(rest):
                r = rest[j]
                if r is not None and r.startswith("-"):
                    j += 2 if r in ("-u", "--unset", "-C", "--chdir") else 1
                elif ASSIGN.match(words[j].text):
                    j += 1
                else:
                    break
            return j
        if name in ("setsid", "exec", "nohup", "nice", "stdbuf"):
            return opts(valued=("-n",))
        if name == "taskset":
            j = opts(valued=("-c",))
            return j if "-c" in rest[:j] else j + 1
        if name == "xargs":
            j = opts(valued=("-n", "-I", "-d", "-P", "-L", "-s", "-a", "-E"))
            return j
        if name == "command":
            j = opts()
            return j
        if name == "ip" and rest[:2] == ["netns", "exec"]:
            return 3
        if name == "find":
            for j, r in enumerate(rest):
                if r in ("-exec", "-execdir", "-ok"):
                    return j + 1
            return None
        if name in RUNNERS:
            return RUNNERS[name]
        return None

    def string(self, word, fname):
        toks = Lexer(word.unquoted(), word.line).tokens()
        self.program(toks, fname)


PY_RUN = re.compile(r"""(?:subprocess\.\w+|os\.exec\w+|Popen)\(\s*\[\s*["']([^"']+)["']""")
PY_WHICH = re.compile(r"""shutil\.which\(\s*["']([^"']+)["']""")
MAKE_RECIPE = re.compile(r"^\t[@+-]*([A-Za-z0-9_][A-Za-z0-9_.+-]*)(\s|$)")


def main(files):
    sc = Scanner()
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        base = f.rsplit("/", 1)[-1]
        if f.endswith(".py"):
            for no, line in enumerate(text.splitlines(), 1):
                for m in PY_RUN.finditer(line):
                    sc.found.append((m.group(1), f, no))
                for m in PY_WHICH.finditer(line):
                    sc.found.append((m.group(1), f, no))
        elif base == "Makefile" or f.endswith(".mk"):
            for no, line in enumerate(text.splitlines(), 1):
                m = MAKE_RECIPE.match(line)
                if m:
                    sc.found.append((m.group(1), f, no))
        else:
            sc.program(Lexer(text).tokens(), f)
    for name, f, line in sc.found:
        if name not in sc.functions:
            print("%s %s:%d" % (name, f, line))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
