#include "sandbox/zygote_program.h"

namespace gauntlet::sandbox {

// Loaded once by gauntlet-zygote (zygote_main.cpp) into a module of its own after CPython is
// initialised: the warm imports, then the functions the C++ loop calls. start(WORKDIR, SITE_PATH,
// PRELOAD, WARMUP) once before the first job (puts SITE_PATH on sys.path, imports the PRELOAD
// modules, runs WARMUP, makes the jobs' __main__); prepare(code, call, has_call) in the zygote for
// each job (the compiled code, or None); run_job(prepared, code, call, has_call, env) in each forked
// child after it is confined (sets the job's environment variables, runs it, writes the result
// frame on fd 3 and _exits); wipe_workdir() in the
// zygote after a job that left something in the working directory.
// Result frame on fd 3, written once by the job process after the code (and call) finished:
// b"GNTF" <BIII> kind, len(repr), len(type), len(message), then the three. kind 0: the code ran to
// its end (and the call returned: repr is its repr); 1: an exception (type and message); 2: a
// SystemExit (repr: the exit status in decimal, type "SystemExit", message: str(code), "" for None).
// The job process then exits with the status the program would have had (0, 1, the SystemExit's).
const char* const kZygoteRunner = R"PY(
import os, sys, gc, struct, signal, builtins, types, atexit, select
import collections, itertools, functools, math, re, json, heapq, bisect, string, operator, random

RESULT_FD = 3
FRAME = struct.Struct("<4sBIII")
WORKDIR = None
MAIN = None  # the jobs' __main__, made once; each child changes only its own copy
PRECOMPILE_LIMIT = 64 * 1024  # source bytes compiled in the zygote; larger jobs compile in their child


def wipe(path):
    os.chmod(path, 0o700)
    with os.scandir(path) as it:
        entries = list(it)
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            wipe(e.path)
            os.rmdir(e.path)
        else:
            os.unlink(e.path)


def enc(s):
    return s.encode("utf-8", "backslashreplace")


def type_name(t):
    m = getattr(t, "__module__", "builtins")
    q = getattr(t, "__qualname__", "?")
    return q if m == "builtins" else m + "." + q


def prepare(code, call, has_call):
    # In the zygote, before the fork: compile the job here so the child does not pay for the
    # compiler's allocations page by page. Compiling runs no job code; a compile-time warning goes
    # to the job's stderr from here, as it would from the child. Large sources, and any that fail
    # to compile, are left to the child (which then raises the same error under the job's limits).
    # An empty code or call arrives as None.
    try:
        code = code or b""
        call = call or b""
        if len(code) + len(call) > PRECOMPILE_LIMIT:
            return None
        # A source-encoding declaration (lines 1-2) makes compile() import a codec; that import
        # would stay in the zygote for later jobs, so such jobs compile in their child.
        line2 = code.find(b"\n", code.find(b"\n") + 1)
        if code.find(b"coding", 0, len(code) if line2 < 0 else line2) >= 0:
            return None
        return (compile(code, "<job>", "exec"), compile(call, "<call>", "eval") if has_call else None)
    except BaseException:
        return None
    finally:
        sys.stderr.flush()  # a warning's text must not wait in a buffer the child inherits


def run_job(prepared, code, call, has_call, env, _exit=os._exit, _write=os.write, _len=len, _repr=repr, _str=str,
            _isinstance=isinstance, _type=type, _print=print, _mv=memoryview, _compile=compile, _exec=exec, _eval=eval):
    g = MAIN.__dict__
    gc.enable()
    kind, ret, etype, emsg = 0, b"", b"", b""
    # The job's own environment variables (NAME=VALUE\0 ...), before any of its code runs.
    for item in (env or b"").split(b"\0"):
        if item:
            name, _, value = item.partition(b"=")
            os.environ[name.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    try:
        _exec(prepared[0] if prepared else _compile(code, "<job>", "exec"), g)
        if has_call:
            ret = enc(_repr(_eval(prepared[1] if prepared else _compile(call, "<call>", "eval"), g)))
    except SystemExit as e:
        # The program (or the call) left through sys.exit / raise SystemExit: exit status as
        # CPython gives it (None 0, an int its low byte, anything else printed and 1).
        c = e.code
        kind, etype, status = 2, b"SystemExit", 0
        try:
            if c is None:
                status = 0
            elif _isinstance(c, int):
                status = c & 0xFF
                emsg = enc(_str(c))
            else:
                status = 1
                emsg = enc(_str(c))
                _print(c, file=sys.stderr)
        except BaseException:
            status = 1
        ret = enc(_str(status))
    except BaseException as e:
        if _isinstance(e, MemoryError):
            g.clear()
        kind = 1
        try:
            etype = enc(type_name(_type(e)))
            emsg = enc(_str(e))
        except BaseException:
            emsg = b"<unprintable exception>"
        try:
            tb = e.__traceback__
            e.__traceback__ = tb.tb_next if tb is not None else None  # hide this wrapper's frame
            sys.__excepthook__(_type(e), e, e.__traceback__)
        except BaseException:
            pass
        e = None
    try:
        if "threading" in sys.modules:
            sys.modules["threading"]._shutdown()
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    frame = FRAME.pack(b"GNTF", kind, _len(ret), _len(etype), _len(emsg)) + ret + etype + emsg
    try:
        view = _mv(frame)
        while view:
            view = view[_write(RESULT_FD, view):]
    except BaseException:
        pass
    # The process's exit status is the program's (0, 1 after an exception, the SystemExit code), so a
    # frame that could not be written still leaves the right status behind.
    _exit(0 if kind == 0 else 1 if kind == 1 else status)


def wipe_workdir():
    wipe(WORKDIR)


def warm():
    # What every job uses but the interpreter initialises lazily, done once here instead of in
    # each child: compile() sets up the AST types (~100 heap types and their interned names), the
    # first exec/eval, the frame format, repr and the encoder.
    g = {"__builtins__": builtins}
    exec(compile("def f(x):\n    return [k * x for k in range(3)]\ns = 'ab'.upper()[::-1]\n", "<warm>", "exec"), g)
    enc(repr(eval(compile("f(2)", "<warm>", "eval"), g)))
    FRAME.pack(b"GNTF", 0, 0, 0, 0)
    type_name(ValueError)
    sys.stdout.flush()


def preload(site_path, modules, warmup):
    # After the standard library on sys.path, so a package cannot shadow a stdlib module.
    for entry in site_path.split(":"):
        if entry:
            sys.path.append(entry)
    for name in modules.split(","):
        if not name:
            continue
        try:
            __import__(name)
        except BaseException as e:
            print("gauntlet-zygote: preload: cannot import %r: %s: %s" % (name, type_name(type(e)), e),
                  file=sys.stderr)
            raise
    if warmup:
        try:
            exec(compile(warmup, "<warmup>", "exec"), {"__builtins__": builtins, "__name__": "__warmup__"})
        except BaseException as e:
            print("gauntlet-zygote: the warm-up code failed: %s: %s" % (type_name(type(e)), e), file=sys.stderr)
            raise


def start(workdir, site_path, modules, warmup):
    global WORKDIR, MAIN
    WORKDIR = workdir
    os.chdir(workdir)
    wipe(workdir)
    warm()
    preload(site_path, modules, warmup)
    MAIN = types.ModuleType("__main__")
    MAIN.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = MAIN
    sys.argv = [""]
    prepare(b"x = 1\n", b"x", 1)
    gc.collect()
    gc.freeze()
    gc.disable()
)PY";

}  // namespace gauntlet::sandbox
