/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * xdp_edges.h — the maps and ring records of xdp_edges.bpf.c that user space reads.
 *
 * Sensor.Node/Capture/Xdp/XdpRecords*.cs mirrors every struct here field by field, and
 * tests/Sensor.Node.Tests/Capture/Xdp compiles an offsetof/sizeof probe of this header
 * against the C# layouts, so the two cannot drift apart. Every field is naturally
 * aligned and no struct has implicit padding (same layout on x86-64, arm64 and BPF).
 * Values are host byte order except addresses (network order, as on the wire).
 */
#ifndef NERF_XDP_EDGES_H
#define NERF_XDP_EDGES_H

#include "nerf_records.h"

/* Default map sizes (SPEC §2); the loader may change them before load
 * (bpf_map__set_max_entries), e.g. smaller tables for tests. */
#define NERF_XDP_FLOW_ENTRIES 1048576       /* flows: LRU hash, 1M */
#define NERF_XDP_EDGE_AGG_ENTRIES 131072    /* edge_agg_0/1: LRU hash, 128K each */
#define NERF_XDP_EDGE_RING_BYTES (4 << 20)  /* edge_events ring: power of 2, page multiple */
#define NERF_XDP_FLOW_RING_BYTES (4 << 20)  /* flow_events ring */

/* Slots of struct nerf_xdp_counters (one per-CPU array entry; user space sums the CPUs). */
enum nerf_xdp_counter {
	NERF_XDP_PACKETS = 0,          /* frames the program ran on */
	NERF_XDP_IP_PACKETS = 1,       /* IPv4/IPv6 frames that parsed and were counted into a flow */
	NERF_XDP_NON_IP = 2,           /* well-formed frames carrying something else (ARP, LLDP …) */
	NERF_XDP_PARSE_ERRORS = 3,     /* truncated or malformed frames */
	NERF_XDP_FRAGMENTS = 4,        /* IP fragments (first and later) among the IP packets */
	NERF_XDP_IP_BYTES = 5,         /* IP bytes (header + payload) of the IP packets */
	NERF_XDP_FLOWS_CREATED = 6,    /* flow table inserts */
	NERF_XDP_FLOW_TABLE_FAILURES = 7, /* flow insert failed (packet counted nowhere) */
	NERF_XDP_AGG_FAILURES = 8,     /* edge_agg insert failed (packet missing from AGG) */
	NERF_XDP_EDGE_RING_FULL = 9,   /* bpf_ringbuf_reserve(edge_events) returned NULL */
	NERF_XDP_FLOW_RING_FULL = 10,  /* bpf_ringbuf_reserve(flow_events) returned NULL */
	NERF_XDP_COUNTER_COUNT = 11,
};

/* The single entry of the per-CPU "counters" array. */
struct nerf_xdp_counters {
	__u64 value[11];       /* offset 0, size 88: indexed by enum nerf_xdp_counter */
};                         /* sizeof 88 */

/* flow_state.state bits. */
#define NERF_FLOW_ORIGINATOR_IS_B (1U << 0) /* side B of the key started the flow */
#define NERF_FLOW_FIN_ORIGINATOR (1U << 1)  /* FIN seen from the originator */
#define NERF_FLOW_FIN_RESPONDER (1U << 2)   /* FIN seen from the responder */
#define NERF_FLOW_ORIGINATOR_SYN (1U << 3)  /* the originator sent a SYN without ACK */

/* Why a flow ended (struct nerf_flow_end.reason); the kernel ends flows on FIN, RST,
 * last fragment and re-orientation, user space on idle timeout and end of capture. */
enum nerf_flow_end_reason {
	NERF_FLOW_END_FIN = 1,
	NERF_FLOW_END_RST = 2,
	NERF_FLOW_END_FRAGMENTS = 3,
	NERF_FLOW_END_REORIENTED = 4,
	NERF_FLOW_END_IDLE = 5,
	NERF_FLOW_END_CAPTURE = 6,
};

/* ---------------------------------------------------------------------------
 * struct nerf_flow_key — 48 bytes, key of the "flows" LRU hash. Canonical: side A
 * is the lower address (unsigned, network order), then the lower port, so both
 * directions of a conversation share one key. Non-first fragments have no ports:
 * they are keyed by fragment id with is_fragment set. Same shape as the user-space
 * FlowKey (Sensor.Node/Flows/FlowKey.cs).
 * ------------------------------------------------------------------------- */
struct nerf_flow_key {
	__u8 addr_a[16];       /* offset  0, size 16: IPv4 in the first 4 bytes, rest zero */
	__u8 addr_b[16];       /* offset 16, size 16 */
	__u32 fragment_id;     /* offset 32, size 4: IP id / IPv6 fragment id of fragment keys */
	__u16 port_a;          /* offset 36, size 2: host order; 0 without ports */
	__u16 port_b;          /* offset 38, size 2 */
	__u16 outer_vlan;      /* offset 40, size 2: VLAN id (12 bits), 0 when untagged */
	__u16 inner_vlan;      /* offset 42, size 2: QinQ inner VLAN id */
	__u8 protocol;         /* offset 44, size 1 */
	__u8 ip_version;       /* offset 45, size 1 */
	__u8 is_fragment;      /* offset 46, size 1 */
	__u8 reserved;         /* offset 47, size 1 */
};                         /* sizeof 48 */

/* ---------------------------------------------------------------------------
 * struct nerf_flow_state — 104 bytes, value of the "flows" LRU hash. fwd is
 * originator → responder. Counters are totals since the flow's first packet
 * (the OPEN record reported that one packet); updated with atomics because
 * both directions of a flow may arrive on different CPUs.
 * ------------------------------------------------------------------------- */
struct nerf_flow_state {
	__u64 src_node;        /* offset  0, size 8: originator's node id */
	__u64 dst_node;        /* offset  8, size 8: responder's node id */
	__u64 edge_hash;       /* offset 16, size 8: nerf_edge_hash(dst_node, dst_port, protocol) */
	__u64 first_ns;        /* offset 24, size 8: bpf_ktime_get_ns() of the first packet */
	__u64 last_ns;         /* offset 32, size 8: of the latest packet */
	__u64 packets_fwd;     /* offset 40, size 8 */
	__u64 packets_rev;     /* offset 48, size 8 */
	__u64 bytes_fwd;       /* offset 56, size 8: IP bytes */
	__u64 bytes_rev;       /* offset 64, size 8 */
	__u32 open_bytes;      /* offset 72, size 4: IP bytes of the first packet (the OPEN record) */
	__u32 state;           /* offset 76, size 4: NERF_FLOW_* bits */
	__u32 flags_fwd;       /* offset 80, size 4: OR of TCP flags (9 bits) from the originator */
	__u32 flags_rev;       /* offset 84, size 4: from the responder */
	__u32 pending_flags;   /* offset 88, size 4: OR of TCP flags after the first packet */
	__u16 src_port;        /* offset 92, size 2: originator's port */
	__u16 dst_port;        /* offset 94, size 2: responder's port */
	__u8 protocol;         /* offset 96, size 1 */
	__u8 ip_version;       /* offset 97, size 1 */
	__u16 reserved16;      /* offset 98, size 2 */
	__u32 reserved32;      /* offset 100, size 4 */
};                         /* sizeof 104 */

/* ---------------------------------------------------------------------------
 * struct nerf_edge_agg — 48 bytes, value of edge_agg_0/edge_agg_1 (LRU hash
 * keyed by the __u64 edge hash). The program writes the map agg_control names;
 * user space flips it every drain and reads-and-deletes the other one, which no
 * program writes any more, so nothing counted is lost to the delete.
 * ------------------------------------------------------------------------- */
struct nerf_edge_agg {
	__u64 packets;         /* offset  0, size 8 */
	__u64 bytes;           /* offset  8, size 8: IP bytes */
	__u64 first_ns;        /* offset 16, size 8: first packet in this window */
	__u64 last_ns;         /* offset 24, size 8: latest packet in this window */
	__u64 dst_node;        /* offset 32, size 8 */
	__u32 tcp_flags;       /* offset 40, size 4: OR of TCP flags */
	__u16 dst_port;        /* offset 44, size 2 */
	__u8 protocol;         /* offset 46, size 1 */
	__u8 ip_version;       /* offset 47, size 1 */
};                         /* sizeof 48 */

/* The single entry of the "agg_control" array: which edge_agg map is written. */
struct nerf_agg_control {
	__u32 active;          /* offset 0, size 4: 0 → edge_agg_0, 1 → edge_agg_1 */
	__u32 reserved;        /* offset 4, size 4 */
};                         /* sizeof 8 */

/* ---------------------------------------------------------------------------
 * struct nerf_edge_event — 104 bytes, a record of the "edge_events" ring buffer:
 * an OPEN (new flow; counters = its first packet) or CLOSE (FIN, RST, last
 * fragment, re-orientation; counters = everything after the OPEN). edge.timestamp_ns
 * is bpf_ktime_get_ns(); edge.packets/bytes saturate at 2^32-1 and packets/bytes
 * below carry the exact deltas. Addresses let user space announce new node ids.
 * ------------------------------------------------------------------------- */
struct nerf_edge_event {
	struct nerf_graph_edge edge; /* offset  0, size 56 */
	__u8 src_addr[16];     /* offset 56, size 16: network order */
	__u8 dst_addr[16];     /* offset 72, size 16 */
	__u64 packets;         /* offset 88, size 8 */
	__u64 bytes;           /* offset 96, size 8 */
};                         /* sizeof 104 */

/* ---------------------------------------------------------------------------
 * struct nerf_flow_end — 160 bytes, a record of the "flow_events" ring buffer
 * (and the shape user space gives flows it drains from the table): the flow's
 * key and final state, and why it ended.
 * ------------------------------------------------------------------------- */
struct nerf_flow_end {
	struct nerf_flow_key key;     /* offset   0, size 48 */
	struct nerf_flow_state flow;  /* offset  48, size 104 */
	__u32 reason;          /* offset 152, size 4: enum nerf_flow_end_reason */
	__u32 reserved;        /* offset 156, size 4 */
};                         /* sizeof 160 */

#ifndef __cplusplus
_Static_assert(sizeof(struct nerf_xdp_counters) == 8 * NERF_XDP_COUNTER_COUNT, "nerf_xdp_counters size");
_Static_assert(sizeof(struct nerf_flow_key) == 48, "nerf_flow_key must be 48 bytes");
_Static_assert(sizeof(struct nerf_flow_state) == 104, "nerf_flow_state must be 104 bytes");
_Static_assert(sizeof(struct nerf_edge_agg) == 48, "nerf_edge_agg must be 48 bytes");
_Static_assert(sizeof(struct nerf_edge_event) == 104, "nerf_edge_event must be 104 bytes");
_Static_assert(sizeof(struct nerf_flow_end) == 160, "nerf_flow_end must be 160 bytes");
#endif

#endif /* NERF_XDP_EDGES_H */
