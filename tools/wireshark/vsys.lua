-- tools/wireshark/vsys.lua - a Wireshark/tshark dissector for vsys's inter-kernel
-- protocol (docs/PROTOCOL.md: the wire format byte by byte; docs/NUMBERS.md: every
-- constant). UDP port 4377, and any UDP datagram that starts like one of our packets.
--
--   tshark -X lua_script:tools/wireshark/vsys.lua -r FILE        (no install needed)
--   make wireshark        (links it into ~/.local/lib/wireshark/plugins/; docs/DEBUGGING.md)
--
-- Every header field, the 32-byte message, NACK's error, DATA's slots and DATA_ACK's
-- bitmap are fields named vsys.* (display filters: docs/DEBUGGING.md). A packet that the
-- receiver would drop is flagged as expert info vsys.malformed.<reason> (group
-- Malformed, severity Error), and its reason is the field vsys.drop, by the names of
-- net/proto_codec.c: the checks below run in vp_decode's order, so the first that fails
-- names the same reason that a node counts in its KS_NET_STATS malformed[] counters.
--
-- Sections: 1 bit operations, 2 constants, 3 fields, 4 expert infos, 5 pids and groups,
-- 6 the receiver's checks, 7 payloads by type, 8 the dissector, 9 registration.
-- Wireshark 4.0 (Lua 5.2) and later.

-- Loaded twice (installed, and again with -X lua_script:), the first copy stays: a
-- protocol may be registered only once.
do
    local ok, loaded = pcall(Dissector.get, "vsys")
    if ok and loaded then return end
end

local vsys = Proto("vsys", "vsys inter-kernel protocol")

---------------------------------------------------------------------------------------
-- 1. Bit operations: Lua 5.2 has bit32; later Wireshark builds (Lua 5.3+) have the
--    operators themselves, which 5.2 cannot parse, hence load().
---------------------------------------------------------------------------------------
local band, rshift
if bit32 then
    band, rshift = bit32.band, bit32.rshift
else
    band = load("return function(a, b) return a & b end")()
    rshift = load("return function(a, n) return (a & 0xffffffff) >> n end")()
end
local function has(v, mask) return band(v, mask) ~= 0 end

---------------------------------------------------------------------------------------
-- 2. Constants (libv/include/v/*.h, docs/NUMBERS.md)
---------------------------------------------------------------------------------------
local PORT, MAGIC, VERSION = 4377, 0x5653, 1
local HDR, MSG, MAX_DATA = 32, 32, 1408                  -- V_PROTO_MAX_DATA: one slot
local SLOTS_MAX, GROUP_MAX = 6, 32                       -- slots a DATA packet, a group
local DATA_MAX = SLOTS_MAX * MAX_DATA                    -- 8,448
local MAX_DGRAM = HDR + 4 + DATA_MAX                     -- 8,484
local GROUP_BYTES = GROUP_MAX * MAX_DATA                 -- 45,056
local ERR_MIN = -20
local GROUP_BIT, LHOST_MAX = 0x80000000, 0x7fff

local T = { REQUEST = 1, REPLY = 2, PENDING = 3, NACK = 4, ACK = 5, DATA = 6,
            DATA_ACK = 7, MOVE_FROM = 8, WHERE = 9, HERE = 10 }
local TYPE_NAMES = { "REQUEST", "REPLY", "PENDING", "NACK", "ACK", "DATA", "DATA_ACK",
                     "MOVE_FROM", "WHERE", "HERE" }

local F_RETRANSMIT, F_MULTICAST, F_LAST, F_START, F_KNOWN = 0x1, 0x2, 0x4, 0x8, 0xf

-- enum v_proto_drop and vp_drop_name: the receiver's reasons, in their numbers.
local DROP_NAMES = { [0] = "ok", "short", "magic", "version", "type", "flags", "length",
                     "payload", "pid" }
local DROP_TEXT = {
    short   = "fewer than 32 bytes",
    magic   = "magic is not 0x5653 (\"VS\")",
    version = "version is not 1",
    type    = "type is not 1..10",
    flags   = "a flag not allowed here",
    length  = "length does not fit the datagram or the type",
    payload = "a payload value out of range",
    pid     = "a pid that must name a process does not",
}

local ERRORS = {
    [0] = "V_OK", [-1] = "V_ENOPROC", [-2] = "V_EBADADDR", [-3] = "V_ENOACCESS",
    [-4] = "V_ERANGE", [-5] = "V_ENOTAWAITING", [-6] = "V_EDESTROYED", [-7] = "V_EINVAL",
    [-8] = "V_ENOMEM", [-9] = "V_EBADCALL", [-10] = "V_ETIMEOUT", [-11] = "V_ENOTFOUND",
    [-12] = "V_EBUSY", [-13] = "V_EDEADLOCK", [-14] = "V_EPERM", [-15] = "V_EEXIST",
    [-16] = "V_EISDIR", [-17] = "V_ENOTDIR", [-18] = "V_EROFS", [-19] = "V_EBADINST",
    [-20] = "V_ENOSPC",
}

-- Request codes by owner (docs/NUMBERS.md, "Request codes: who owns which range").
local CODES = {}
local function code_range(first, names)
    for i, name in ipairs(names) do CODES[first + i - 1] = name end
end
code_range(0x100, { "KS_PROCESS_INFO", "KS_PROCESS_LIST", "KS_MEMORY_STATS", "KS_GET_TIME",
    "KS_SET_TIME", "KS_DEVICE_LIST", "KS_CREATE_TEAM", "KS_CREATE_PROCESS",
    "KS_SET_TEAM_SIZE", "KS_DESTROY", "KS_SET_EXC_HANDLER", "KS_MODULE_INFO",
    "KS_MODULE_READ", "KS_NODE_INFO", "KS_SET_TEAM_NAME", "KS_SET_PRIORITY", "KS_HALT",
    "KS_TEST_REPORT", "KS_STATS", "KS_NET_STATS", "KS_CREATE_GROUP", "KS_GROUP_LIST",
    "KS_LIMITS" })
code_range(0x200, { "DEV_WRITE", "DEV_READ", "DEV_QUERY" })
code_range(0x300, { "V_REQ_EXCEPTION" })
code_range(0x400, { "PM_RUN", "PM_WAIT", "PM_KILL", "PM_EXIT", "PM_LIST" })
code_range(0x500, { "NAME_LOOKUP", "NAME_REGISTER", "NAME_UNREGISTER", "NAME_LIST" })
code_range(0x700, { "UIO_CREATE", "UIO_QUERY", "UIO_READ", "UIO_WRITE", "UIO_SET_SIZE",
                    "UIO_RELEASE", "UIO_REMOVE" })
code_range(0x600, { "V_EV_PROCESS_DIED", "V_EV_TEAM_DIED", "V_EV_NODE_UP",
    "V_EV_NODE_DOWN", "V_EV_LHOST_MOVED" })

-- What the words of a kernel event say (enum v_event, v/group.h).
local EVENT_WORDS = {
    [0x600] = { "pid", "team", "node", "cause" },
    [0x601] = { "team", "node", "exit status" },
    [0x602] = { "node", "IPv4", "logical host" },
    [0x603] = { "node", "IPv4", "how (0 halted, 1 silent)" },
    [0x604] = { "logical host", "old node", "new node", "new node's IPv4" },
}

-- Well-known groups (v/group.h): logical host 0, local = the group's number.
local GROUPS = {
    [1] = "V_GROUP_KERNEL_SERVERS", [2] = "V_GROUP_PROGRAM_MANAGERS",
    [3] = "V_GROUP_NAME_HANDLERS", [0x10] = "V_GROUP_EV_PROCESS_DIED",
    [0x11] = "V_GROUP_EV_TEAM_DIED", [0x12] = "V_GROUP_EV_NODE",
    [0x13] = "V_GROUP_EV_LHOST_MOVED",
}

local MSGF_READ, MSGF_WRITE, MSGF_NO_REPLY = 0x1, 0x2, 0x4

---------------------------------------------------------------------------------------
-- 3. Fields
---------------------------------------------------------------------------------------
local function names_of(t)                -- a value_string table for ProtoField
    local v = {}
    for k, name in pairs(t) do v[k] = name end
    return v
end
local type_vals = {}
for i, name in ipairs(TYPE_NAMES) do type_vals[i] = name end

local pf = {
    magic   = ProtoField.uint16("vsys.magic", "Magic", base.HEX),
    version = ProtoField.uint8("vsys.version", "Version", base.DEC),
    type    = ProtoField.uint8("vsys.type", "Type", base.DEC, type_vals),
    flags   = ProtoField.uint16("vsys.flags", "Flags", base.HEX),
    f_retx  = ProtoField.bool("vsys.flags.retransmit", "RETRANSMIT", 16, nil, F_RETRANSMIT),
    f_mcast = ProtoField.bool("vsys.flags.multicast", "MULTICAST", 16, nil, F_MULTICAST),
    f_last  = ProtoField.bool("vsys.flags.last", "LAST", 16, nil, F_LAST),
    f_start = ProtoField.bool("vsys.flags.start", "START", 16, nil, F_START),
    f_other = ProtoField.uint16("vsys.flags.unknown", "Unknown bits", base.HEX, nil, 0xfff0),
    length  = ProtoField.uint16("vsys.length", "Length", base.DEC),
    txid    = ProtoField.uint32("vsys.txid", "Transaction id", base.HEX),
    epoch   = ProtoField.uint32("vsys.txid.epoch", "Epoch", base.HEX, nil, 0xff000000),
    count   = ProtoField.uint32("vsys.txid.count", "Count", base.DEC, nil, 0x00ffffff),
    client  = ProtoField.uint32("vsys.client", "Client", base.HEX),
    server  = ProtoField.uint32("vsys.server", "Server", base.HEX),
    offset  = ProtoField.uint32("vsys.offset", "Offset", base.HEX),
    aux     = ProtoField.uint32("vsys.aux", "Aux", base.HEX),
    seq     = ProtoField.uint32("vsys.seq", "Seq", base.HEX),
    -- the parts of a pid (client, server, a REPLY's replier), each in one field
    -- whichever pid it comes from, so `vsys.node == 2` finds every packet naming node 2
    pid_group = ProtoField.bool("vsys.pid.group", "Group id (G)", 32, nil, GROUP_BIT),
    pid_lhost = ProtoField.uint32("vsys.pid.lhost", "Logical host", base.HEX, nil, 0x7fff0000),
    pid_local = ProtoField.uint32("vsys.pid.local", "Local id", base.HEX, nil, 0x0000ffff),
    node      = ProtoField.uint8("vsys.node", "Home node", base.DEC),
    group     = ProtoField.string("vsys.group", "Group"),
    -- per-type readings of offset and aux
    req_port  = ProtoField.uint32("vsys.request.port", "Client's UDP port (0: source)", base.DEC),
    req_addr  = ProtoField.ipv4("vsys.request.addr", "Client node's IPv4 (0.0.0.0: source)"),
    rep_addr  = ProtoField.uint32("vsys.reply.addr", "Client address of the data", base.HEX),
    replier   = ProtoField.uint32("vsys.replier", "Replier", base.HEX),
    lhost     = ProtoField.uint16("vsys.lhost", "Logical host asked for", base.HEX),
    lhost_node = ProtoField.uint8("vsys.lhost.node", "Its home node", base.DEC),
    -- the 32-byte message
    msg       = ProtoField.bytes("vsys.msg", "Message"),
    code      = ProtoField.uint16("vsys.msg.code", "Code", base.HEX, names_of(CODES)),
    rcode     = ProtoField.int16("vsys.msg.reply_code", "Reply code", base.DEC, names_of(ERRORS)),
    mflags    = ProtoField.uint16("vsys.msg.flags", "Message flags", base.HEX),
    m_read    = ProtoField.bool("vsys.msg.flags.seg_read", "V_MSG_SEG_READ", 16, nil, MSGF_READ),
    m_write   = ProtoField.bool("vsys.msg.flags.seg_write", "V_MSG_SEG_WRITE", 16, nil, MSGF_WRITE),
    m_noreply = ProtoField.bool("vsys.msg.flags.no_reply", "V_MSG_NO_REPLY", 16, nil, MSGF_NO_REPLY),
    w = {},
    seg_ptr   = ProtoField.uint32("vsys.msg.seg_ptr", "seg_ptr", base.HEX),
    seg_len   = ProtoField.uint32("vsys.msg.seg_len", "seg_len", base.DEC),
    segdata   = ProtoField.bytes("vsys.segdata", "Data after the message"),
    -- NACK
    nack      = ProtoField.int32("vsys.nack.error", "Error", base.DEC, names_of(ERRORS)),
    -- DATA
    d_addr    = ProtoField.uint32("vsys.data.addr", "Client address", base.HEX),
    d_total   = ProtoField.uint32("vsys.data.total", "Bytes in the move", base.DEC),
    d_move    = ProtoField.uint16("vsys.data.move", "Move number", base.DEC),
    d_first   = ProtoField.uint16("vsys.data.first_slot", "First slot in the move", base.DEC),
    d_group   = ProtoField.uint32("vsys.data.group", "Packet group", base.DEC),
    d_nslots  = ProtoField.uint8("vsys.data.slots", "Slots", base.DEC),
    slot      = ProtoField.bytes("vsys.data.slot", "Slot"),
    slot_idx  = ProtoField.uint16("vsys.data.slot.index", "Slot index in the move", base.DEC),
    slot_bit  = ProtoField.uint8("vsys.data.slot.bit", "Bit in its group's bitmap", base.DEC),
    slot_off  = ProtoField.uint32("vsys.data.slot.offset", "Offset in the move", base.DEC),
    -- DATA_ACK
    a_offset  = ProtoField.uint32("vsys.ack.offset", "Group's first offset", base.DEC),
    a_group   = ProtoField.uint32("vsys.ack.group", "Packet group", base.DEC),
    a_bitmap  = ProtoField.uint32("vsys.ack.bitmap", "Bitmap of slots held", base.HEX),
    a_held    = ProtoField.uint8("vsys.ack.held", "Slots held", base.DEC),
    a_slots   = ProtoField.string("vsys.ack.slots", "Slots held (bits)"),
    a_move    = ProtoField.uint16("vsys.ack.move", "Move number (of the DATA)", base.DEC),
    -- MOVE_FROM
    mf_addr   = ProtoField.uint32("vsys.move_from.addr", "Client address", base.HEX),
    mf_len    = ProtoField.uint32("vsys.move_from.length", "Length", base.DEC),
    -- the receiver's verdict
    drop      = ProtoField.uint8("vsys.drop", "Dropped by the receiver as", base.DEC, names_of(DROP_NAMES)),
}
for i = 0, 4 do
    pf.w[i] = ProtoField.uint32("vsys.msg.w" .. i, "w" .. i, base.HEX)
end

local fields = {}
for k, f in pairs(pf) do
    if k ~= "w" then fields[#fields + 1] = f end
end
for i = 0, 4 do fields[#fields + 1] = pf.w[i] end
vsys.fields = fields

---------------------------------------------------------------------------------------
-- 4. Expert infos: one per drop reason, vsys.malformed.<reason>
---------------------------------------------------------------------------------------
local ex = {}
local experts = {}
for r = 1, #DROP_NAMES do
    local name = DROP_NAMES[r]
    ex[name] = ProtoExpert.new("vsys.malformed." .. name,
        "Malformed (" .. name .. "): " .. DROP_TEXT[name],
        expert.group.MALFORMED, expert.severity.ERROR)
    experts[#experts + 1] = ex[name]
end
vsys.experts = experts

---------------------------------------------------------------------------------------
-- 5. Pids and groups (v/pid.h, v/group.h)
---------------------------------------------------------------------------------------
local function pid_lhost(p) return band(rshift(p, 16), LHOST_MAX) end
local function pid_local(p) return band(p, 0xffff) end
local function is_group(p) return has(p, GROUP_BIT) end
local function is_process(p) return p ~= 0 and not is_group(p) end

-- A group's name: a well-known one by its v/group.h name, else where it came from.
local function group_name(g)
    local lh, n = pid_lhost(g), pid_local(g)
    if n == 0 then return "not a group (local 0)" end
    if lh == 0 then
        if GROUPS[n] then return GROUPS[n] end
        if n >= 0x80 and n <= 0xff then
            return string.format("V_GROUP_NAME_CONTEXT(%d)", n - 0x80)
        end
        return string.format("well-known group %d", n)
    end
    return string.format("group %d of node %d's logical host 0x%04x", n, rshift(lh, 7), lh)
end

-- A pid in words: node / logical host / local id, and the pseudo-processes by name.
local function pid_text(p)
    if p == 0 then return "none" end
    if is_group(p) then return group_name(p) end
    local lh, n = pid_lhost(p), pid_local(p)
    local s = string.format("node %d, lhost 0x%04x, local 0x%04x", rshift(lh, 7), lh, n)
    if band(lh, 0x7f) == 0 and n == 1 then s = s .. ": kernel server" end
    if band(lh, 0x7f) == 0 and n == 2 then s = s .. ": device server" end
    return s
end

-- Short form for the Info column.
local function pid_short(p)
    if is_group(p) then
        local n = pid_local(p)
        if pid_lhost(p) == 0 and GROUPS[n] then return GROUPS[n] end
        return string.format("group 0x%08x", p)
    end
    if band(pid_lhost(p), 0x7f) == 0 and pid_local(p) == 1 and p ~= 0 then
        return string.format("ks%d", rshift(pid_lhost(p), 7))
    end
    return string.format("0x%08x", p)
end

-- A pid field (client, server, replier) with its parts underneath.
local function add_pid(tree, field, range)
    local p = range:uint()
    local item = tree:add(field, range)
    item:append_text(" (" .. pid_text(p) .. ")")
    if p == 0 then return item end
    item:add(pf.pid_group, range)
    if is_group(p) then
        item:add(pf.pid_lhost, range)
        item:add(pf.pid_local, range)
        item:add(pf.group, range, group_name(p)):set_generated()
    else
        item:add(pf.node, range, rshift(pid_lhost(p), 7)):set_generated()
        item:add(pf.pid_lhost, range)
        item:add(pf.pid_local, range)
    end
    return item
end

---------------------------------------------------------------------------------------
-- 6. The receiver's checks: vp_decode (net/proto_codec.c), in its order. Returns the
--    reason's name ("ok" if the packet is taken) and which field it is about.
---------------------------------------------------------------------------------------
local function read_header(tvb)
    return {
        magic = tvb(0, 2):uint(), version = tvb(2, 1):uint(), type = tvb(3, 1):uint(),
        flags = tvb(4, 2):uint(), length = tvb(6, 2):uint(), txid = tvb(8, 4):uint(),
        client = tvb(12, 4):uint(), server = tvb(16, 4):uint(), offset = tvb(20, 4):uint(),
        aux = tvb(24, 4):uint(), seq = tvb(28, 4):uint(),
    }
end

-- check_type's rules: payload size, then values, then pids (then REQUEST's MULTICAST).
local function check_type(h, tvb)
    local n, t = h.length, h.type
    if t == T.REQUEST or t == T.REPLY then
        if n < MSG or n > MSG + MAX_DATA then return "length", "length" end
        if t == T.REPLY then
            if is_process(h.client) and is_process(h.aux) then return "ok" end
            return "pid", is_process(h.client) and "aux" or "client"
        end
        if not is_process(h.client) then return "pid", "client" end
        if h.server == 0 then return "pid", "server" end
        if is_group(h.server) ~= has(h.flags, F_MULTICAST) then return "flags", "flags" end
        return "ok"
    elseif t == T.PENDING or t == T.ACK or t == T.DATA_ACK then
        if n ~= 0 then return "length", "length" end
        return is_process(h.client) and "ok" or "pid", "client"
    elseif t == T.NACK then
        if n ~= 4 then return "length", "length" end
        local err = tvb(HDR, 4):int()
        if err >= 0 or err < ERR_MIN then return "payload", "nack" end
        return is_process(h.client) and "ok" or "pid", "client"
    elseif t == T.DATA then
        if n <= 4 or n > 4 + DATA_MAX then return "length", "length" end
        if h.offset > h.aux or n - 4 > h.aux - h.offset then return "payload", "offset" end
        if not is_process(h.client) then return "pid", "client" end
        return is_process(h.server) and "ok" or "pid", "server"
    elseif t == T.MOVE_FROM then
        if n ~= 0 then return "length", "length" end
        if h.aux == 0 or h.offset + h.aux > 0xffffffff then return "payload", "aux" end
        if not is_process(h.client) then return "pid", "client" end
        return is_process(h.server) and "ok" or "pid", "server"
    elseif t == T.WHERE or t == T.HERE then
        if n ~= 0 then return "length", "length" end
        return (h.aux ~= 0 and h.aux <= LHOST_MAX) and "ok" or "payload", "aux"
    end
    return "type", "type"
end

local function check(h, len, tvb)
    if h.magic ~= MAGIC then return "magic", "magic" end
    if h.version ~= VERSION then return "version", "version" end
    if h.type == 0 or h.type > #TYPE_NAMES then return "type", "type" end
    if band(h.flags, 0xffff - F_KNOWN) ~= 0 then return "flags", "flags" end
    if HDR + h.length > MAX_DGRAM or HDR + h.length ~= len then return "length", "length" end
    local why, about = check_type(h, tvb)
    if why ~= "ok" then return why, about end
    if has(h.flags, F_LAST) and h.type ~= T.DATA then return "flags", "flags" end
    if has(h.flags, F_START) and (h.type ~= T.REQUEST or has(h.flags, F_MULTICAST)) then
        return "flags", "flags"
    end
    return "ok"
end

---------------------------------------------------------------------------------------
-- 7. Payloads by type. Each adds its fields to tree and returns a summary for the Info
--    column. They read only bytes the datagram has (a malformed one may be short).
---------------------------------------------------------------------------------------
local function add_message(tree, tvb, off, is_reply)
    local r = tvb(off, MSG)
    local mt = tree:add(pf.msg, r)
    local code = r(0, 2):uint()
    local item
    if is_reply then
        item = mt:add(pf.rcode, r(0, 2))
    else
        item = mt:add(pf.code, r(0, 2))
    end
    local mflags = r(2, 2):uint()
    local fi = mt:add(pf.mflags, r(2, 2))
    fi:add(pf.m_read, r(2, 2)); fi:add(pf.m_write, r(2, 2)); fi:add(pf.m_noreply, r(2, 2))
    local words = EVENT_WORDS[code]
    for i = 0, 4 do
        local wi = mt:add(pf.w[i], r(4 + 4 * i, 4))
        if not is_reply and words and words[i + 1] then wi:append_text(" (" .. words[i + 1] .. ")") end
    end
    mt:add(pf.seg_ptr, r(24, 4)); mt:add(pf.seg_len, r(28, 4))
    local s
    if is_reply then
        local rc = r(0, 2):int()
        s = ERRORS[rc] or string.format("code %d", rc)
    else
        s = CODES[code] or string.format("code 0x%04x", code)
    end
    mt:set_text("Message: " .. s)
    if band(mflags, 3) ~= 0 then
        s = s .. string.format(" seg %s%s 0x%08x+%d", has(mflags, MSGF_READ) and "R" or "",
            has(mflags, MSGF_WRITE) and "W" or "", r(24, 4):uint(), r(28, 4):uint())
    end
    if has(mflags, MSGF_NO_REPLY) then s = s .. " NO_REPLY" end
    return s
end

local function add_data_after(tree, tvb, off)
    local n = tvb:len() - off
    if n <= 0 then return "" end
    tree:add(pf.segdata, tvb(off, n)):append_text(string.format(" (%d bytes)", n))
    return string.format(" +%d bytes", n)
end

local payload = {}

payload[T.REQUEST] = function(tree, tvb, h)
    tree:add(pf.req_port, tvb(20, 4))
    tree:add(pf.req_addr, tvb(24, 4))
    if tvb:len() < HDR + MSG then return "" end
    return " " .. add_message(tree, tvb, HDR, false) .. add_data_after(tree, tvb, HDR + MSG)
end

payload[T.REPLY] = function(tree, tvb, h)
    tree:add(pf.rep_addr, tvb(20, 4))
    add_pid(tree, pf.replier, tvb(24, 4))
    if tvb:len() < HDR + MSG then return "" end
    return " " .. add_message(tree, tvb, HDR, true) .. add_data_after(tree, tvb, HDR + MSG)
end

payload[T.NACK] = function(tree, tvb, h)
    if tvb:len() < HDR + 4 then return "" end
    local e = tvb(HDR, 4):int()
    tree:add(pf.nack, tvb(HDR, 4))
    return " " .. (ERRORS[e] or string.format("error %d", e))
end

payload[T.DATA] = function(tree, tvb, h)
    tree:add(pf.d_total, tvb(24, 4))
    tree:add(pf.d_move, tvb(28, 2))
    tree:add(pf.d_first, tvb(30, 2))
    local group = math.floor(h.offset / GROUP_BYTES)
    tree:add(pf.d_group, tvb(20, 4), group):set_generated()
    if tvb:len() < HDR + 4 then return "" end
    tree:add(pf.d_addr, tvb(HDR, 4))
    local n = tvb:len() - HDR - 4
    local nslots = math.ceil(n / MAX_DATA)
    tree:add(pf.d_nslots, tvb(HDR + 4, n), nslots):set_generated()
    local first = band(h.seq, 0xffff)
    for i = 0, nslots - 1 do
        local at = i * MAX_DATA
        local len = math.min(MAX_DATA, n - at)
        local r = tvb(HDR + 4 + at, len)
        local st = tree:add(pf.slot, r)
        local off = h.offset + at
        st:set_text(string.format("Slot %d: offset %d, %d bytes", first + i, off, len))
        st:add(pf.slot_idx, r, first + i):set_generated()
        st:add(pf.slot_off, r, off):set_generated()
        st:add(pf.slot_bit, r, math.floor((off % GROUP_BYTES) / MAX_DATA)):set_generated()
    end
    local slots = nslots == 1 and tostring(first) or string.format("%d-%d", first, first + nslots - 1)
    return string.format(" move %d slot %s group %d, %d+%d of %d", rshift(h.seq, 16), slots,
        group, h.offset, n, h.aux)
end

local function bit_runs(bitmap)           -- "0-5,7" for the bits set
    local runs, i = {}, 0
    while i < 32 do
        if has(bitmap, 2 ^ i) then
            local j = i
            while j + 1 < 32 and has(bitmap, 2 ^ (j + 1)) do j = j + 1 end
            runs[#runs + 1] = i == j and tostring(i) or (i .. "-" .. j)
            i = j + 1
        else
            i = i + 1
        end
    end
    return #runs > 0 and table.concat(runs, ",") or "none"
end

payload[T.DATA_ACK] = function(tree, tvb, h)
    tree:add(pf.a_offset, tvb(20, 4))
    local group = math.floor(h.offset / GROUP_BYTES)
    tree:add(pf.a_group, tvb(20, 4), group):set_generated()
    local bi = tree:add(pf.a_bitmap, tvb(24, 4))
    local held = 0
    for i = 0, 31 do if has(h.aux, 2 ^ i) then held = held + 1 end end
    bi:add(pf.a_held, tvb(24, 4), held):set_generated()
    bi:add(pf.a_slots, tvb(24, 4), bit_runs(h.aux)):set_generated()
    tree:add(pf.a_move, tvb(28, 2))
    return string.format(" move %d group %d bitmap 0x%08x (%d held: %s)", rshift(h.seq, 16),
        group, h.aux, held, bit_runs(h.aux))
end

payload[T.MOVE_FROM] = function(tree, tvb, h)
    tree:add(pf.mf_addr, tvb(20, 4))
    tree:add(pf.mf_len, tvb(24, 4))
    return string.format(" 0x%08x+%d", h.offset, h.aux)
end

local function where_here(tree, tvb, h)
    if h.aux <= LHOST_MAX then
        local li = tree:add(pf.lhost, tvb(26, 2))
        li:add(pf.lhost_node, tvb(26, 2), rshift(h.aux, 7)):set_generated()
    end
    return string.format(" lhost 0x%04x (node %d)", h.aux, rshift(h.aux, 7))
end
payload[T.WHERE] = where_here
payload[T.HERE] = where_here

---------------------------------------------------------------------------------------
-- 8. The dissector
---------------------------------------------------------------------------------------
local function add_header(tree, tvb, h)
    local items = {}
    items.magic = tree:add(pf.magic, tvb(0, 2))
    items.version = tree:add(pf.version, tvb(2, 1))
    items.type = tree:add(pf.type, tvb(3, 1))
    local fi = tree:add(pf.flags, tvb(4, 2))
    items.flags = fi
    fi:add(pf.f_retx, tvb(4, 2)); fi:add(pf.f_mcast, tvb(4, 2))
    fi:add(pf.f_last, tvb(4, 2)); fi:add(pf.f_start, tvb(4, 2))
    if band(h.flags, 0xffff - F_KNOWN) ~= 0 then fi:add(pf.f_other, tvb(4, 2)) end
    items.length = tree:add(pf.length, tvb(6, 2))
    local ti = tree:add(pf.txid, tvb(8, 4))
    ti:add(pf.epoch, tvb(8, 4)); ti:add(pf.count, tvb(8, 4))
    items.client = add_pid(tree, pf.client, tvb(12, 4))
    items.server = add_pid(tree, pf.server, tvb(16, 4))
    items.offset = tree:add(pf.offset, tvb(20, 4))
    items.aux = tree:add(pf.aux, tvb(24, 4))
    tree:add(pf.seq, tvb(28, 4))
    return items
end

local function flag_names(flags)
    local s = {}
    if has(flags, F_RETRANSMIT) then s[#s + 1] = "RETRANSMIT" end
    if has(flags, F_MULTICAST) then s[#s + 1] = "MULTICAST" end
    if has(flags, F_LAST) then s[#s + 1] = "LAST" end
    if has(flags, F_START) then s[#s + 1] = "START" end
    return #s > 0 and (" [" .. table.concat(s, ",") .. "]") or ""
end

-- Who talks to whom, for the Info column, by type.
local function parties(h)
    local t = h.type
    if t == T.REQUEST or t == T.ACK then
        return pid_short(h.client) .. " -> " .. pid_short(h.server)
    elseif t == T.REPLY then
        local from = pid_short(h.aux)
        if is_group(h.server) then from = from .. " (" .. pid_short(h.server) .. ")" end
        return from .. " -> " .. pid_short(h.client)
    elseif t == T.PENDING or t == T.NACK then
        return pid_short(h.server) .. " -> " .. pid_short(h.client)
    elseif t == T.DATA or t == T.DATA_ACK or t == T.MOVE_FROM then
        return pid_short(h.client) .. " <> " .. pid_short(h.server)
    end
    return nil
end

function vsys.dissector(tvb, pinfo, root)
    local len = tvb:len()
    pinfo.cols.protocol = "vsys"
    local tree = root:add(vsys, tvb())
    if len < HDR then
        tree:add(pf.drop, tvb(), 1):set_generated()
        tree:add_proto_expert_info(ex.short)
        pinfo.cols.info = string.format("[malformed: short] %d bytes", len)
        return len
    end
    local h = read_header(tvb)
    local tname = TYPE_NAMES[h.type] or string.format("type %d", h.type)
    tree:append_text(", " .. tname)
    local items = add_header(tree, tvb, h)
    local why, about = check(h, len, tvb)

    -- the payload, as far as it can be read
    local summary = ""
    local pt = payload[h.type]
    if pt and (h.magic == MAGIC and h.version == VERSION) then
        local ok, s = pcall(pt, tree, tvb, h)
        summary = ok and s or ""
    end

    local info = tname
    if h.type ~= T.WHERE and h.type ~= T.HERE then
        info = info .. string.format(" txid=0x%08x", h.txid)
        local p = parties(h)
        if p then info = info .. " " .. p end
    end
    info = info .. summary .. flag_names(h.flags)
    if why ~= "ok" then
        local r = 0
        for i = 1, #DROP_NAMES do if DROP_NAMES[i] == why then r = i end end
        local di = tree:add(pf.drop, tvb(0, HDR), r)
        di:set_generated()
        local target = items[about] or tree
        target:add_proto_expert_info(ex[why])
        info = "[malformed: " .. why .. "] " .. info
    end
    pinfo.cols.info = info
    return len
end

---------------------------------------------------------------------------------------
-- 9. Registration: the port, and a heuristic for other ports (a Linux host program's
--    own port: docs/HOST.md) that takes only what starts like a valid header.
---------------------------------------------------------------------------------------
DissectorTable.get("udp.port"):add(PORT, vsys)

local function heuristic(tvb, pinfo, root)
    if tvb:len() < HDR or tvb(0, 2):uint() ~= MAGIC or tvb(2, 1):uint() ~= VERSION then
        return false
    end
    local t = tvb(3, 1):uint()
    if t < 1 or t > #TYPE_NAMES or HDR + tvb(6, 2):uint() ~= tvb:len() then return false end
    vsys.dissector(tvb, pinfo, root)
    return true
end
vsys:register_heuristic("udp", heuristic)
