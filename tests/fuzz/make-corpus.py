#!/usr/bin/env python3
"""tests/fuzz/make-corpus.py - write the seed corpus tests/fuzz/corpus/<harness>/.

A few small inputs per harness, each in the format its fuzz_<harness>.c reads, chosen
so that fuzzing starts from the interesting paths (valid packets, a whole move, a
give-up, a valid ELF image, ...). Deterministic: run it again after changing a
harness's input format, and commit what it writes (docs/TESTING.md)."""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
GROUP, SLOT = 45056, 1408


def write(harness, name, data):
    d = os.path.join(ROOT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def packet(typ, flags=0, payload=b'', txid=77, client=0x00800104, server=0x01000105,
           offset=0, aux=0, seq=0):
    return struct.pack('>HBBHHIIIIII', 0x5653, 1, typ, flags, len(payload), txid, client,
                       server, offset, aux, seq) + payload


def proto_codec():
    msg = struct.pack('>HH7I', 0x102, 1, 1, 2, 3, 4, 5, 0x40001000, 64)
    seeds = {
        'request': packet(1, payload=msg),
        'request_group': packet(1, 2, msg, server=0x80000003),
        'request_start': packet(1, 8, msg),
        'reply_data': packet(2, payload=msg + bytes(range(100)), aux=0x01000105),
        'pending': packet(3),
        'nack': packet(4, payload=struct.pack('>i', -1)),
        'nack_eperm': packet(4, payload=struct.pack('>i', -14)),
        'nack_enospc': packet(4, payload=struct.pack('>i', -20)),         # the last code
        'nack_past_enospc': packet(4, payload=struct.pack('>i', -21)),
        'ack': packet(5),
        'data_last': packet(6, 4, b'\x40\x00\x10\x00' + bytes(64), offset=1408, aux=4096),
        'data_whole_move': packet(6, 0, b'\x40\x00\x00\x00' + bytes(100), aux=100),
        'data_ack': packet(7, aux=0xffffffff),
        'move_from': packet(8, offset=0x40000000, aux=4096),
        'where': packet(9, 2, client=0, server=0, aux=0x100),
        'here': packet(10, aux=0x100),
    }
    for name, p in seeds.items():
        write('proto_codec', name, b'\x00' + p)
    hdr = struct.pack('>BH6I', 6, 4, 9, 0x00800104, 0x01000105, 0, 8448, 1)
    write('proto_codec', 'encode_data', b'\x01' + hdr + struct.pack('>HH', 8452, 9000))
    write('proto_codec', 'encode_small', b'\x01' + struct.pack('>BH6I', 1, 0, 1, 2, 3, 4, 5, 6)
          + struct.pack('>HH', 32, 64) + bytes(32))


def proto_window():
    def move(total):
        ops = b''
        for _ in range(4):
            ops += b'\x00'                                  # the sender lets a group out
        for _ in range((total + GROUP - 1) // GROUP):
            left = min(total, GROUP)
            for i in range(0, (left + SLOT - 1) // SLOT, 6):
                n = min(6, (left + SLOT - 1) // SLOT - i)
                how = 2 | n << 2 if (i + n) * SLOT <= left else 2 | 0x40
                ops += bytes([3, how, i])                   # DATA at slot i of the base group
                ops += b'\x04\x02'                          # the bitmap of the base group
            ops += b'\x01\x02\xff\xff\xff\xff\x00'          # ack the sender's first group
            total -= left
        return ops
    for total in (1, GROUP, 3 * GROUP + 100):
        write('proto_window', f'move_{total}', struct.pack('>II', total - 1, 7) + move(total))
    write('proto_window', 'runs', struct.pack('>II', 0xffffffff, 5) +
          b'\x05\xf0\xf0\xff\x0f\x05' + b'\x05\x80\x00\x00\x01\x00')


def proto_rcache():
    put = lambda c, t, n: bytes([0, c, t]) + struct.pack('>IH', 0x0a4d000b, n) + b'\x11' + b'\x01\x08'
    ack = lambda c, t: bytes([2, c, t]) + b'\x01\x08'
    write('proto_rcache', 'put_check_ack', b'\x04\x04\x10' + struct.pack('>I', 1000) +
          put(1, 0x40, 64) + put(1, 0x41, 64) + put(2, 0x40, 0) + ack(1, 0x41) + b'\x03\x01\x40')
    write('proto_rcache', 'epochs_full', b'\x01\x01\x01' + struct.pack('>I', 0) +
          put(1, 0x04, 8) + put(2, 0x20, 8) + put(1, 0x7f, 1408) + b'\xff\x01\x20')
    write('proto_rcache', 'exact_evictions', b'\x02\x08\x80' + struct.pack('>I', 0) +
          put(1, 0x40, 8) + put(2, 0x40, 8) + put(3, 0x40, 8) + put(1, 0x41, 8) + put(4, 0x40, 8))


def proto_retx():
    start = struct.pack('>Q', 4 << 40)
    at_due, due = b'\x00\x01', b'\x80'                               # time: to the deadline
    write('proto_retx', 'silent', start + (at_due + due) * 14)        # 13 sends, give up
    write('proto_retx', 'pending', start + at_due + due + b'\xe1' + (at_due + due) * 3 +
          b'\xe0' + b'\x00\x03' + due)                               # PENDING, then give up


def lhost():
    learn = lambda lh, a, p: bytes([0, lh | a << 3 | p << 5])
    write('lhost', 'learn_pin_move', b'\x02' + struct.pack('>I', 5) + learn(0, 0, 0) +
          learn(1, 1, 1) + bytes([3, 2]) + learn(0, 1, 0) + learn(2, 0, 0) + b'\x04\x01\x06\x00' +
          struct.pack('>I', 0x0a4d000c))


def group():
    write('group', 'join_leave_die', b'\x04' + b'\x00\x00\x01\x00\x08\x00\x03\x10\x00\xf0\x08\x80'
          + b'\x05\x00\x09\x00\x0a\x00\x0b\x00\x0c\x00')


def elf_image(segs, entry, lo=0x40000000, hi=0x80000000, phnum=None):
    eh = b'\x7fELF' + bytes([1, 1, 1]) + bytes(9) + struct.pack(
        '<HHIIIIIHHHHHH', 2, 3, 1, entry, 52, 0, 0, 52, 32,
        len(segs) if phnum is None else phnum, 40, 0, 0)
    ph = b''.join(struct.pack('<8I', t, off, va, va, fsz, msz, fl, 4096)
                  for (t, off, va, fsz, msz, fl) in segs)
    return struct.pack('>II', lo, hi) + eh + ph + bytes(64)


def elf():
    write('elf', 'two_segments', elf_image([(1, 0, 0x40000000, 0x80, 0x80, 5),
                                            (1, 0x80, 0x40001000, 0x10, 0x2000, 6)], 0x40000010))
    write('elf', 'note_and_load', elf_image([(4, 0, 0, 0, 0, 0),
                                             (1, 0, 0x40000000, 0x40, 0x1000, 7)], 0x40000000))
    write('elf', 'entry_at_end', elf_image([(1, 0, 0x40000000, 0x80, 0x80, 5)], 0x40000080))
    write('elf', 'entry_not_exec', elf_image([(1, 0, 0x40000000, 0x80, 0x80, 6)], 0x40000000))
    write('elf', 'nine_loads', elf_image([(1, 0, 0x40000000 + i * 4096, 0, 16, 5)
                                          for i in range(9)], 0x40000000))


def cmdline():
    lines = [(b'mtu', b'build/kernel.elf node=3 mtu=9000 quiet mtu=0x2328'),
             (b'node', b'tftp://10.0.0.1/kernel.elf\tnode=4294967295 node=4294967296'),
             (b'quiet', b'quiet=1 quiet'), (b'x', b'  x=0x  x=0X1f  ')]
    for i, (key, line) in enumerate(lines):
        write('cmdline', f'line{i}', bytes([0, 8 + i]) + key + b'\x00' + line)


def host_env():
    for name, s, fail in (('peers', b'@2=10.77.0.12,0x180=127.0.0.1:5000', 9),
                          ('peer_fails', b'1=1.2.3.4,2=1.2.3.5:1', 0),
                          ('number', b'0xffffffff', 0), ('addr', b'10.77.0.255', 0),
                          ('node', b'@255', 0), ('addr_256', b'1.2.3.256', 0), ('trailing', b'1=1.2.3.4,', 0)):
        write('host_env', name, bytes([0, fail]) + s)


def name_cache():
    # gen(): sel 0x0a = "[" + 2 context chars + "]", sel 0x01 = cached prefix 0, sel 0x03 = "/";
    # then a length and a pick byte (odd: chars from the wide alphabet, one byte each).
    ab = b'\x0a\x00\x01' + b'\x00\x00'                                  # "[ab]"
    ins = b'\x00' + ab + b'\x00' + struct.pack('>I', 7) + b'\x02' + b'\x03'
    look = b'\x02' + b'\x01\x03\x01\x00\x01\x03' + b'\x03'                # "[ab]/ab"
    syntax = b'\x06' + b'\x03\x03\x00' + ab + b'\x01\x00' + b'\x03'       # "/abz", "[ab]"
    ba = b'\x0a\x01\x00' + b'\x00\x00'                                  # "[ba]"
    static = b'\x00' + ab + b'\x00' + struct.pack('>I', 1) + b'\x01' + b'\x03'
    write('name_cache', 'static_kept', b'\x00' + struct.pack('>I', 1) + static +
          b'\x00' + ba + b'\x01' + struct.pack('>I', 2) + b'\x03' + b'\x03')
    write('name_cache', 'insert_lookup', b'\x04' + struct.pack('>I', 1) + ins + look + syntax +
          b'\x05\x00\x03' + look)


def msg_seg():
    write('msg_seg', 'empty', b'')
    check = b'\x00' + struct.pack('>H', 3) + b'\x00\x00\x00\x00\x01' + struct.pack('>II', 5, 100) + b'\x01'
    mapping = b'\x80\x02\x05' + struct.pack('>I', 4096)
    at = b'\xc0\x02' + struct.pack('>II', 16, 256)
    write('msg_seg', 'map_and_check', check + mapping + at + mapping + at)


if __name__ == '__main__':
    for fn in (proto_codec, proto_window, proto_rcache, proto_retx, lhost, group, elf,
               cmdline, host_env, name_cache, msg_seg):
        fn()
