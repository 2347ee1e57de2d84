#include "sandbox/zygote_program.h"

namespace gauntlet::sandbox {

// Descriptors: 0 /dev/null, 1 job stdout, 2 job stderr, 3 job result frame, 4 control in,
// 5 control out, 6 seccomp BPF. argv: -c WORKDIR.
// Control in: header <8I> code_len, call_len, input_len, has_call, cpu_ms, memory_mb, fsize_mb,
// nofile, then code, call and input bytes. Control out: <iiqq> wait status, 0, CPU us, max RSS KiB
// (first message: magic 0x59444552 "REDY").
// Result frame on fd 3, written once by the job process after the code (and call) finished:
// b"GNTF" <BIII> kind (0 ok, 1 exception), len(repr), len(type), len(message), then the three.
const char* const kZygoteProgram = R"PY(
import os, sys, gc, struct, resource, signal, builtins, types, atexit, select
import ctypes
import collections, itertools, functools, math, re, json, heapq, bisect, string, operator, random

CTL_IN, CTL_OUT, BPF_FD, RESULT_FD = 4, 5, 6, 3
WORKDIR = sys.argv[1]
HDR = struct.Struct("<8I")
REPLY = struct.Struct("<iiqq")
FRAME = struct.Struct("<4sBIII")

_bpf = b""
while True:
    _chunk = os.pread(BPF_FD, 65536, len(_bpf))
    if not _chunk:
        break
    _bpf += _chunk
os.close(BPF_FD)

class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

_bpf_buf = ctypes.create_string_buffer(_bpf, len(_bpf))
_fprog = _Fprog(len(_bpf) // 8, ctypes.addressof(_bpf_buf))
_prctl = ctypes.CDLL(None, use_errno=True).prctl
_prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
_prctl.restype = ctypes.c_int
_fprog_ptr = ctypes.addressof(_fprog)
_empty_r, _empty_w = os.pipe()
os.close(_empty_w)
_nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
_nproc = 1024 if _nproc == resource.RLIM_INFINITY else min(_nproc, 1024)


def read_exact(n):
    out = bytearray()
    while len(out) < n:
        chunk = os.read(CTL_IN, n - len(out))
        if not chunk:
            os._exit(0)  # the supervisor is gone
        out += chunk
    return bytes(out)


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


def run_job(code, call, has_call, _exit=os._exit, _write=os.write, _len=len, _repr=repr, _str=str,
            _isinstance=isinstance, _type=type, _print=print, _mv=memoryview, _compile=compile, _exec=exec, _eval=eval):
    main = types.ModuleType("__main__")
    g = main.__dict__
    g["__builtins__"] = builtins
    sys.modules["__main__"] = main
    sys.argv = [""]
    gc.enable()
    kind, ret, etype, emsg = 0, b"", b"", b""
    try:
        _exec(_compile(code, "<job>", "exec"), g)
        if has_call:
            ret = enc(_repr(_eval(_compile(call, "<call>", "eval"), g)))
    except SystemExit as e:
        c = e.code
        if not (c is None or (_isinstance(c, int) and c == 0)):
            kind, etype = 1, b"SystemExit"
            try:
                emsg = enc(_str(c))
                if not _isinstance(c, int):
                    _print(c, file=sys.stderr)
            except BaseException:
                pass
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
    _exit(0)


def child(code, call, has_call, infd, cpu_ms, memory_mb, fsize_mb, nofile):
    try:
        os.dup2(infd, 0)
        os.closerange(4, 1 << 20)
        cpu_s = (cpu_ms + 999) // 1000  # backstop for a job that blocks SIGPROF: SIGXCPU, then SIGKILL
        setrlimit = resource.setrlimit
        setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
        setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        setrlimit(resource.RLIMIT_FSIZE, (fsize_mb << 20, fsize_mb << 20))
        setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        setrlimit(resource.RLIMIT_CORE, (0, 0))
        setrlimit(resource.RLIMIT_NPROC, (_nproc, _nproc))
        signal.setitimer(signal.ITIMER_PROF, cpu_ms / 1000.0)
        if _prctl(22, 2, _fprog_ptr, 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
            os._exit(121)
    except BaseException:
        os._exit(121)  # never run the job half-confined
    try:
        run_job(code, call, has_call)
    finally:
        os._exit(123)  # the job broke the wrapper itself: no frame, no_result


def serve():
    while True:
        code_len, call_len, input_len, has_call, cpu_ms, memory_mb, fsize_mb, nofile = HDR.unpack(read_exact(HDR.size))
        code = read_exact(code_len)
        call = read_exact(call_len)
        data = read_exact(input_len)
        infd = _empty_r
        if input_len:
            infd = os.memfd_create("stdin", 0)
            view = memoryview(data)
            while view:
                view = view[os.write(infd, view):]
            os.lseek(infd, 0, 0)
        pid = os.fork()
        if pid == 0:
            child(code, call, has_call, infd, cpu_ms, memory_mb, fsize_mb, nofile)
            os._exit(122)
        if infd != _empty_r:
            os.close(infd)
        # Wait for the job, but die with it if the supervisor goes away (control socket EOF).
        pidfd = os.pidfd_open(pid)
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        poller.register(CTL_IN, select.POLLIN)
        while True:
            events = poller.poll()
            if any(fd == CTL_IN for fd, _ in events):
                os.kill(pid, signal.SIGKILL)
                os._exit(0)
            if any(fd == pidfd for fd, _ in events):
                break
        os.close(pidfd)
        _, status, ru = os.wait4(pid, 0)
        cpu_us = int((ru.ru_utime + ru.ru_stime) * 1e6)
        try:
            wipe(WORKDIR)
            ok = True
        except OSError:
            ok = False
        os.write(CTL_OUT, REPLY.pack(status, 0, cpu_us, ru.ru_maxrss))
        if not ok:
            os._exit(3)  # the supervisor starts a fresh worker with an empty /tmp


os.chdir(WORKDIR)
wipe(WORKDIR)
gc.collect()
gc.freeze()
gc.disable()
os.write(CTL_OUT, REPLY.pack(0x59444552, 0, os.getpid(), 0))
serve()
)PY";

}  // namespace gauntlet::sandbox
