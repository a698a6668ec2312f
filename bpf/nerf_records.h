/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * nerf_records.h — records that cross the kernel/user boundary and the wire.
 *
 * This header is the single source of truth for the GraphEdge and NodeAddress
 * layouts. Shared.Messages/Records mirrors it in C#, and
 * tests/Shared.Messages.Tests generates an offsetof/sizeof probe from the struct
 * bodies below (the Cilium alignchecker idea), so C and C# cannot drift apart.
 * Keep each field on its own line as "<type> <name>;" or "<type> <name>[N];":
 * the probe generator parses exactly that shape.
 *
 * Every field is naturally aligned and the structs have no implicit padding, so
 * the layout is the same on x86-64, arm64 and the BPF target without packing
 * pragmas. Multi-byte fields are stored little-endian on the wire (EdgeBatch);
 * inside one host they are host order.
 *
 * Usable from BPF programs (clang -target bpf) and from plain userspace C.
 * For BPF, include vmlinux.h or <linux/types.h> first, or let this header pull
 * in <linux/types.h> (clang -target bpf may need -I/usr/include/$(arch)-linux-gnu
 * for <asm/types.h>).
 */
#ifndef NERF_RECORDS_H
#define NERF_RECORDS_H

#if !defined(__VMLINUX_H__)
#include <linux/types.h>
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#if defined(__bpf__) || defined(__BPF__)
#define NERF_BPF_TARGET 1
#else
#define NERF_BPF_TARGET 0
#endif

/* Only clang knows "#pragma unroll"; gcc would warn about an unknown pragma. */
#if defined(__clang__)
#define NERF_UNROLL _Pragma("unroll")
#else
#define NERF_UNROLL
#endif

/* ---------------------------------------------------------------------------
 * Graph edge kinds (struct nerf_graph_edge.kind).
 * ------------------------------------------------------------------------- */
enum nerf_edge_kind {
	NERF_EDGE_OPEN = 1,  /* first packet of a flow/edge; counters = that packet */
	NERF_EDGE_CLOSE = 2, /* flow ended (FIN/RST/idle/active timeout); counters since the last TICK */
	NERF_EDGE_TICK = 3,  /* periodic report of a live flow; counters since the previous record */
	NERF_EDGE_AGG = 4,   /* per-window aggregate of one edge (edge_agg map drain); counters = the window */
};

/* ---------------------------------------------------------------------------
 * struct nerf_graph_edge — 56 bytes. One observation of "src talks to dst".
 *
 * packets/bytes are DELTAS since the previous record of the same flow/edge
 * (see enum nerf_edge_kind), so 32-bit counters never overflow and a consumer
 * gets totals by summing. bytes counts IP bytes (IP header + payload, no L2).
 *
 * timestamp_ns: Unix epoch nanoseconds (UTC) once the record leaves the sensor.
 * BPF programs write bpf_ktime_get_ns() (CLOCK_MONOTONIC); the capture actor
 * adds the boot-time offset when it copies the record out of the ring/map.
 * For AGG records it is the last packet seen in the window.
 *
 * src_node/dst_node: nerf_node_id() of the source/destination IP address.
 * edge_hash: nerf_edge_hash(dst_node, dst_port, protocol) — the edge's
 * structure without its source, the key of the edge_agg map.
 * ports: host byte order (0 when the protocol has none); protocol: IANA number
 * (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6); ip_version: 4 or 6.
 * tcp_flags: OR of the TCP flags seen in the counted packets (0 for non-TCP).
 * duration_ms: time from the flow's first packet to this record's last packet.
 * sensor_id: small id of the sensor (node) that produced the record.
 * ------------------------------------------------------------------------- */
struct nerf_graph_edge {
	__u64 timestamp_ns; /* offset  0, size 8 */
	__u64 src_node;     /* offset  8, size 8 */
	__u64 dst_node;     /* offset 16, size 8 */
	__u64 edge_hash;    /* offset 24, size 8 */
	__u32 packets;      /* offset 32, size 4: delta, see above */
	__u32 bytes;        /* offset 36, size 4: delta of IP bytes */
	__u32 duration_ms;  /* offset 40, size 4 */
	__u16 src_port;     /* offset 44, size 2: host byte order */
	__u16 dst_port;     /* offset 46, size 2: host byte order */
	__u16 sensor_id;    /* offset 48, size 2 */
	__u8 protocol;      /* offset 50, size 1: IANA protocol number */
	__u8 kind;          /* offset 51, size 1: enum nerf_edge_kind */
	__u8 tcp_flags;     /* offset 52, size 1 */
	__u8 ip_version;    /* offset 53, size 1: 4 or 6 */
	__u16 reserved;     /* offset 54, size 2: zero */
};                      /* sizeof 56 */

/* ---------------------------------------------------------------------------
 * struct nerf_node_address — 32 bytes. Maps a node id back to its address
 * (the node directory, EdgeBatch.node_addresses).
 * address holds the raw bytes in network order, as on the wire: IPv4 in the
 * first 4 bytes and the rest zero; IPv6 uses all 16.
 * ------------------------------------------------------------------------- */
struct nerf_node_address {
	__u64 node_id;      /* offset  0, size 8: nerf_node_id(address, 4 or 16) */
	__u8 address[16];   /* offset  8, size 16: network byte order */
	__u8 ip_version;    /* offset 24, size 1: 4 or 6 */
	__u8 reserved[7];   /* offset 25, size 7: zero */
};                      /* sizeof 32 */

#ifndef __cplusplus
_Static_assert(sizeof(struct nerf_graph_edge) == 56, "nerf_graph_edge must be 56 bytes");
_Static_assert(__builtin_offsetof(struct nerf_graph_edge, reserved) == 54, "nerf_graph_edge layout");
_Static_assert(sizeof(struct nerf_node_address) == 32, "nerf_node_address must be 32 bytes");
_Static_assert(__builtin_offsetof(struct nerf_node_address, ip_version) == 24, "nerf_node_address layout");
#endif

/* ---------------------------------------------------------------------------
 * FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/). Same function as
 * Shared.Messages/Hashing/Fnv1a64.cs; tests assert C == C# == published vectors.
 * ------------------------------------------------------------------------- */
#define NERF_FNV1A64_OFFSET_BASIS 0xcbf29ce484222325ULL
#define NERF_FNV1A64_PRIME 0x100000001b3ULL

/* The BPF verifier needs a provable loop bound (bounded loops, kernel >= 5.3;
 * the BPF ring buffer already needs 5.8), so under BPF inputs longer than this
 * are cut here. Every hash in this header uses at most 16 bytes. */
#define NERF_FNV1A64_MAX_LEN 64

/* One FNV-1a step: xor the byte in, then multiply by the prime. */
static __always_inline __u64 nerf_fnv1a64_byte(__u64 hash, __u8 b)
{
	return (hash ^ b) * NERF_FNV1A64_PRIME;
}

/* FNV-1a 64 of len bytes. Under BPF, data must already be bounds-checked
 * against data_end by the caller; with a constant len clang unrolls the loop. */
static __always_inline __u64 nerf_fnv1a64(const void *data, __u32 len)
{
	const __u8 *p = (const __u8 *)data;
	__u64 hash = NERF_FNV1A64_OFFSET_BASIS;
	__u32 i;

#if NERF_BPF_TARGET
	for (i = 0; i < NERF_FNV1A64_MAX_LEN; i++) {
		if (i >= len)
			break;
		hash = nerf_fnv1a64_byte(hash, p[i]);
	}
#else
	for (i = 0; i < len; i++)
		hash = nerf_fnv1a64_byte(hash, p[i]);
#endif
	return hash;
}

/* Node id: FNV-1a 64 over the raw address bytes in network order (as on the
 * wire): 4 for IPv4, 16 for IPv6. Each branch has a constant length so the BPF
 * build unrolls it without a variable bound. */
static __always_inline __u64 nerf_node_id(const void *addr, __u32 len)
{
	if (len == 4)
		return nerf_fnv1a64(addr, 4);
	if (len == 16)
		return nerf_fnv1a64(addr, 16);
	return nerf_fnv1a64(addr, len);
}

/* Edge hash: FNV-1a 64 over 11 bytes — dst_node as 8 bytes little-endian,
 * dst_port as 2 bytes little-endian (of the host-order value), protocol as 1
 * byte. Written with shifts so it is endian-independent and needs no stack
 * buffer in BPF. */
static __always_inline __u64 nerf_edge_hash(__u64 dst_node, __u16 dst_port, __u8 protocol)
{
	__u64 hash = NERF_FNV1A64_OFFSET_BASIS;
	int i;

NERF_UNROLL
	for (i = 0; i < 8; i++)
		hash = nerf_fnv1a64_byte(hash, (__u8)(dst_node >> (8 * i)));
	hash = nerf_fnv1a64_byte(hash, (__u8)(dst_port & 0xff));
	hash = nerf_fnv1a64_byte(hash, (__u8)(dst_port >> 8));
	return nerf_fnv1a64_byte(hash, protocol);
}

#endif /* NERF_RECORDS_H */
