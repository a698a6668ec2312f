// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_edges.bpf.c — the sensor's XDP program: parse every frame, keep flows in the
 * kernel, and hand user space only what it cannot do without — OPEN/CLOSE edge
 * events and flow-end records on BPF ring buffers, and per-edge aggregates in an
 * LRU hash drained every 50 ms (SPEC §2). It observes and never drops: every path
 * returns XDP_PASS.
 *
 * Parsing (xdp_parse.h) mirrors Sensor.Node/Parsing/PacketParser (same outcomes, same
 * byte counts), flow keys and orientation mirror Sensor.Node/Flows/FlowTracker, and node
 * ids / edge hashes come from nerf_records.h, so kernel and user space agree on
 * every id. Needs kernel >= 5.12 (ring buffer 5.8, atomic fetch-or 5.12) and
 * clang -mcpu=v3.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp_edges.h"
#include "xdp_parse.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* ---- maps (BTF-style definitions, libbpf >= 0.x) --------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NERF_XDP_FLOW_ENTRIES);
	__type(key, struct nerf_flow_key);
	__type(value, struct nerf_flow_state);
} flows SEC(".maps");

/* Two aggregation maps, written one at a time (agg_control.active), so user space
 * drains a map no program is writing: a read-and-delete of a live LRU hash could
 * lose an increment landing between a program's lookup and its atomic add. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NERF_XDP_EDGE_AGG_ENTRIES);
	__type(key, __u64);
	__type(value, struct nerf_edge_agg);
} edge_agg_0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NERF_XDP_EDGE_AGG_ENTRIES);
	__type(key, __u64);
	__type(value, struct nerf_edge_agg);
} edge_agg_1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nerf_agg_control);
} agg_control SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NERF_XDP_EDGE_RING_BYTES);
} edge_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NERF_XDP_FLOW_RING_BYTES);
} flow_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nerf_xdp_counters);
} counters SEC(".maps");

/* ---- flow key ------------------------------------------------------------ */

/* -1, 0, 1 as a compares to b: one 32-bit word of two addresses, big-endian. */
static __always_inline int compare_word(const __u8 *a, const __u8 *b)
{
	__u32 x = load_be32(a), y = load_be32(b);

	return x == y ? 0 : (x < y ? -1 : 1);
}

/* -1, 0, 1 as src compares to dst, unsigned big-endian (FlowKey.CompareAddresses). */
static __always_inline int compare_addresses(const struct nerf_packet *pkt)
{
	int order = compare_word(pkt->src, pkt->dst);

	if (order != 0 || pkt->ip_version != 6)
		return order;
	order = compare_word(pkt->src + 4, pkt->dst + 4);
	if (order != 0)
		return order;
	order = compare_word(pkt->src + 8, pkt->dst + 8);
	if (order != 0)
		return order;
	return compare_word(pkt->src + 12, pkt->dst + 12);
}

/* Fills the canonical key (side A = lower address, then port); returns whether the sender is A. */
static __always_inline int build_key(const struct nerf_packet *pkt, struct nerf_flow_key *key)
{
	__u16 src_port = 0, dst_port = 0;
	int order, sender_is_a;

	key->protocol = pkt->protocol;
	key->ip_version = pkt->ip_version;
	key->outer_vlan = pkt->outer_vlan;
	key->inner_vlan = pkt->inner_vlan;
	if (pkt->later_fragment) {
		key->is_fragment = 1;
		key->fragment_id = pkt->fragment_id;
	} else {
		src_port = pkt->src_port;
		dst_port = pkt->dst_port;
	}

	order = compare_addresses(pkt);
	sender_is_a = order < 0 || (order == 0 && src_port <= dst_port);
	if (sender_is_a) {
		__builtin_memcpy(key->addr_a, pkt->src, 16);
		__builtin_memcpy(key->addr_b, pkt->dst, 16);
		key->port_a = src_port;
		key->port_b = dst_port;
	} else {
		__builtin_memcpy(key->addr_a, pkt->dst, 16);
		__builtin_memcpy(key->addr_b, pkt->src, 16);
		key->port_a = dst_port;
		key->port_b = src_port;
	}
	return sender_is_a;
}

static __always_inline __u64 node_of(const __u8 *address, __u8 ip_version)
{
	return ip_version == 6 ? nerf_node_id(address, 16) : nerf_node_id(address, 4);
}

static __always_inline __u32 saturate32(__u64 value)
{
	return value > 0xFFFFFFFFULL ? 0xFFFFFFFFU : (__u32)value;
}

static __always_inline int is_syn_without_ack(__u32 flags)
{
	return (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

/* ---- ring records -------------------------------------------------------- */

/* Wake the reader only once an eighth of the ring is waiting: a wakeup per record costs
 * the reader a context switch each, and its poll timeout (at most the 50 ms drain
 * interval, after which it consumes every ring) picks up the rest (bpf_ringbuf_submit
 * flags BPF_RB_NO_WAKEUP / BPF_RB_FORCE_WAKEUP, bpf_ringbuf_query, kernel >= 5.8). */
static __always_inline __u64 wakeup_flags(void *ring)
{
	return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= bpf_ringbuf_query(ring, BPF_RB_RING_SIZE) / 8
		       ? BPF_RB_FORCE_WAKEUP
		       : BPF_RB_NO_WAKEUP;
}

/* An OPEN (counters = the first packet) or CLOSE (counters = all after it) record. */
static __always_inline void emit_edge(const struct nerf_flow_key *key, const struct nerf_flow_state *flow,
				      __u8 kind, struct nerf_xdp_counters *count)
{
	int originator_is_a = !(flow->state & NERF_FLOW_ORIGINATOR_IS_B);
	struct nerf_edge_event *event;
	__u64 packets, bytes;

	/* bpf_ringbuf_reserve: NULL when the ring has no room; the ring reports no loss of
	 * its own, so the failure is counted here (NERF_XDP_EDGE_RING_FULL). */
	event = bpf_ringbuf_reserve(&edge_events, sizeof(*event), 0);
	if (!event) {
		count->value[NERF_XDP_EDGE_RING_FULL]++;
		return;
	}
	/* Reserved ring memory is not zeroed: write every byte. */
	__builtin_memset(event, 0, sizeof(*event));
	if (kind == NERF_EDGE_OPEN) {
		packets = 1;
		bytes = flow->open_bytes;
		event->edge.timestamp_ns = flow->first_ns;
		event->edge.tcp_flags = (__u8)(flow->flags_fwd | flow->flags_rev);
	} else {
		packets = flow->packets_fwd + flow->packets_rev - 1;
		bytes = flow->bytes_fwd + flow->bytes_rev - flow->open_bytes;
		event->edge.timestamp_ns = flow->last_ns;
		event->edge.duration_ms = (__u32)((flow->last_ns - flow->first_ns) / 1000000);
		event->edge.tcp_flags = (__u8)flow->pending_flags;
	}
	event->edge.src_node = flow->src_node;
	event->edge.dst_node = flow->dst_node;
	event->edge.edge_hash = flow->edge_hash;
	event->edge.packets = saturate32(packets);
	event->edge.bytes = saturate32(bytes);
	event->edge.src_port = flow->src_port;
	event->edge.dst_port = flow->dst_port;
	event->edge.protocol = flow->protocol;
	event->edge.kind = kind;
	event->edge.ip_version = flow->ip_version;
	event->packets = packets;
	event->bytes = bytes;
	if (originator_is_a) {
		__builtin_memcpy(event->src_addr, key->addr_a, 16);
		__builtin_memcpy(event->dst_addr, key->addr_b, 16);
	} else {
		__builtin_memcpy(event->src_addr, key->addr_b, 16);
		__builtin_memcpy(event->dst_addr, key->addr_a, 16);
	}
	bpf_ringbuf_submit(event, wakeup_flags(&edge_events));
}

static __always_inline void emit_flow_end(const struct nerf_flow_key *key, const struct nerf_flow_state *flow,
					  __u32 reason, struct nerf_xdp_counters *count)
{
	struct nerf_flow_end *end = bpf_ringbuf_reserve(&flow_events, sizeof(*end), 0);

	if (!end) {
		count->value[NERF_XDP_FLOW_RING_FULL]++;
		return;
	}
	__builtin_memcpy(&end->key, key, sizeof(*key));
	__builtin_memcpy(&end->flow, flow, sizeof(*flow));
	end->reason = reason;
	end->reserved = 0;
	bpf_ringbuf_submit(end, wakeup_flags(&flow_events));
}

/* Removes a flow and reports it. The state is copied before the delete: an LRU hash
 * may hand the freed element to another insert at once. Only the CPU whose delete
 * succeeds reports, so a flow ended on two CPUs at once is reported once. */
static __always_inline void end_flow(const struct nerf_flow_key *key, const struct nerf_flow_state *live,
				     __u32 reason, struct nerf_xdp_counters *count)
{
	struct nerf_flow_state flow;

	__builtin_memcpy(&flow, live, sizeof(flow));
	if (bpf_map_delete_elem(&flows, key) != 0)
		return;
	emit_edge(key, &flow, NERF_EDGE_CLOSE, count);
	emit_flow_end(key, &flow, reason, count);
}

/* ---- flow table ---------------------------------------------------------- */

static __always_inline void count_packet(struct nerf_flow_state *flow, int from_originator,
					 const struct nerf_packet *pkt, __u32 flags, __u64 now)
{
	__u32 bits = 0;

	if (from_originator) {
		__sync_fetch_and_add(&flow->packets_fwd, 1);
		__sync_fetch_and_add(&flow->bytes_fwd, pkt->ip_bytes);
		if (flags)
			__sync_fetch_and_or(&flow->flags_fwd, flags);
	} else {
		__sync_fetch_and_add(&flow->packets_rev, 1);
		__sync_fetch_and_add(&flow->bytes_rev, pkt->ip_bytes);
		if (flags)
			__sync_fetch_and_or(&flow->flags_rev, flags);
	}
	if (flags)
		__sync_fetch_and_or(&flow->pending_flags, flags);
	if (flags & TCP_FIN)
		bits |= from_originator ? NERF_FLOW_FIN_ORIGINATOR : NERF_FLOW_FIN_RESPONDER;
	if (from_originator && is_syn_without_ack(flags))
		bits |= NERF_FLOW_ORIGINATOR_SYN;
	if (bits)
		__sync_fetch_and_or(&flow->state, bits);
	flow->last_ns = now; /* a racing CPU may store an older time; nanoseconds apart */
}

/* A new flow: the sender of its first packet is the originator, unless that packet
 * carries SYN+ACK (it answers a SYN we did not see). Writes the state to *flow and
 * inserts it; emits OPEN. Returns 0 when inserted, 1 when another CPU inserted it
 * first (the caller counts the packet into that one), -1 on failure. */
static __always_inline int create_flow(const struct nerf_flow_key *key, int sender_is_a,
				       const struct nerf_packet *pkt, __u32 flags, __u64 now,
				       struct nerf_flow_state *flow, struct nerf_xdp_counters *count)
{
	int originator_is_a = (flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) ? !sender_is_a : sender_is_a;
	int from_originator = sender_is_a == originator_is_a;
	__u64 node_a = node_of(key->addr_a, key->ip_version);
	__u64 node_b = node_of(key->addr_b, key->ip_version);

	__builtin_memset(flow, 0, sizeof(*flow));
	flow->src_node = originator_is_a ? node_a : node_b;
	flow->dst_node = originator_is_a ? node_b : node_a;
	flow->src_port = originator_is_a ? key->port_a : key->port_b;
	flow->dst_port = originator_is_a ? key->port_b : key->port_a;
	flow->protocol = key->protocol;
	flow->ip_version = key->ip_version;
	flow->edge_hash = nerf_edge_hash(flow->dst_node, flow->dst_port, flow->protocol);
	flow->first_ns = now;
	flow->last_ns = now;
	flow->open_bytes = pkt->ip_bytes;
	if (!originator_is_a)
		flow->state |= NERF_FLOW_ORIGINATOR_IS_B;
	if (from_originator) {
		flow->packets_fwd = 1;
		flow->bytes_fwd = pkt->ip_bytes;
		flow->flags_fwd = flags;
	} else {
		flow->packets_rev = 1;
		flow->bytes_rev = pkt->ip_bytes;
		flow->flags_rev = flags;
	}
	if (flags & TCP_FIN)
		flow->state |= from_originator ? NERF_FLOW_FIN_ORIGINATOR : NERF_FLOW_FIN_RESPONDER;
	if (from_originator && is_syn_without_ack(flags))
		flow->state |= NERF_FLOW_ORIGINATOR_SYN;

	if (bpf_map_update_elem(&flows, key, flow, BPF_NOEXIST) != 0)
		return bpf_map_lookup_elem(&flows, key) ? 1 : -1;
	count->value[NERF_XDP_FLOWS_CREATED]++;
	emit_edge(key, flow, NERF_EDGE_OPEN, count);
	return 0;
}

/* ---- edge aggregation ------------------------------------------------------ */

static __always_inline void aggregate_into(void *map, const struct nerf_flow_state *flow, __u32 ip_bytes,
					   __u32 flags, __u64 now, struct nerf_xdp_counters *count)
{
	__u64 key = flow->edge_hash;
	struct nerf_edge_agg *agg = bpf_map_lookup_elem(map, &key);

	if (!agg) {
		struct nerf_edge_agg fresh = {
			.packets = 1,
			.bytes = ip_bytes,
			.first_ns = now,
			.last_ns = now,
			.dst_node = flow->dst_node,
			.tcp_flags = flags,
			.dst_port = flow->dst_port,
			.protocol = flow->protocol,
			.ip_version = flow->ip_version,
		};

		if (bpf_map_update_elem(map, &key, &fresh, BPF_NOEXIST) == 0)
			return;
		agg = bpf_map_lookup_elem(map, &key); /* another CPU inserted it first */
		if (!agg) {
			count->value[NERF_XDP_AGG_FAILURES]++;
			return;
		}
	}
	__sync_fetch_and_add(&agg->packets, 1);
	__sync_fetch_and_add(&agg->bytes, ip_bytes);
	if (flags)
		__sync_fetch_and_or(&agg->tcp_flags, flags);
	agg->last_ns = now;
}

static __always_inline void aggregate(const struct nerf_flow_state *flow, __u32 ip_bytes, __u32 flags, __u64 now,
				      struct nerf_xdp_counters *count)
{
	__u32 zero = 0;
	struct nerf_agg_control *control = bpf_map_lookup_elem(&agg_control, &zero);

	if (control && (control->active & 1))
		aggregate_into(&edge_agg_1, flow, ip_bytes, flags, now, count);
	else
		aggregate_into(&edge_agg_0, flow, ip_bytes, flags, now, count);
}

/* ---- the program ------------------------------------------------------------ */

/* One IP packet through the flow table (FlowTracker.Observe): count it into its
 * flow (creating or re-orienting the flow as needed), into its edge's aggregate,
 * and end the flow on RST, FIN from both sides, or its last fragment. */
static __always_inline void track(const struct nerf_packet *pkt, __u64 now, struct nerf_xdp_counters *count)
{
	struct nerf_flow_key key = {};
	struct nerf_flow_state fresh;
	const struct nerf_flow_state *view = NULL;
	struct nerf_flow_state *flow;
	__u32 flags = pkt->protocol == PROTO_TCP && !pkt->later_fragment ? pkt->tcp_flags : 0;
	int sender_is_a = build_key(pkt, &key);
	__u32 state;

	flow = bpf_map_lookup_elem(&flows, &key);
	if (flow) {
		int from_originator = sender_is_a == !(flow->state & NERF_FLOW_ORIGINATOR_IS_B);

		if (!from_originator && is_syn_without_ack(flags) && !(flow->state & NERF_FLOW_ORIGINATOR_SYN)) {
			/* The presumed responder opens the connection: its SYN makes it the originator. */
			end_flow(&key, flow, NERF_FLOW_END_REORIENTED, count);
			flow = NULL;
		} else {
			count_packet(flow, from_originator, pkt, flags, now);
			view = flow;
		}
	}
	if (!view) {
		int created = create_flow(&key, sender_is_a, pkt, flags, now, &fresh, count);

		if (created < 0) {
			count->value[NERF_XDP_FLOW_TABLE_FAILURES]++;
			return;
		}
		if (created == 0) {
			view = &fresh;
		} else {
			flow = bpf_map_lookup_elem(&flows, &key);
			if (!flow) {
				count->value[NERF_XDP_FLOW_TABLE_FAILURES]++;
				return;
			}
			count_packet(flow, sender_is_a == !(flow->state & NERF_FLOW_ORIGINATOR_IS_B), pkt, flags, now);
			view = flow;
		}
	}

	aggregate(view, pkt->ip_bytes, flags, now, count);

	state = view->state;
	if (flags & TCP_RST) {
		flow = bpf_map_lookup_elem(&flows, &key);
		if (flow)
			end_flow(&key, flow, NERF_FLOW_END_RST, count);
	} else if ((state & (NERF_FLOW_FIN_ORIGINATOR | NERF_FLOW_FIN_RESPONDER)) ==
		   (NERF_FLOW_FIN_ORIGINATOR | NERF_FLOW_FIN_RESPONDER)) {
		flow = bpf_map_lookup_elem(&flows, &key);
		if (flow)
			end_flow(&key, flow, NERF_FLOW_END_FIN, count);
	} else if (key.is_fragment && !pkt->more_fragments) {
		flow = bpf_map_lookup_elem(&flows, &key);
		if (flow)
			end_flow(&key, flow, NERF_FLOW_END_FRAGMENTS, count);
	}
}

SEC("xdp")
int nerf_xdp_edges(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct nerf_packet pkt = {};
	struct nerf_xdp_counters *count;
	__u32 zero = 0;
	int result;

	count = bpf_map_lookup_elem(&counters, &zero);
	if (!count)
		return XDP_PASS;
	count->value[NERF_XDP_PACKETS]++;

	result = parse_frame(data, data_end, &pkt);
	if (result == PARSE_NON_IP) {
		count->value[NERF_XDP_NON_IP]++;
		return XDP_PASS;
	}
	if (result != PARSE_IP) {
		count->value[NERF_XDP_PARSE_ERRORS]++;
		return XDP_PASS;
	}

	count->value[NERF_XDP_IP_PACKETS]++;
	count->value[NERF_XDP_IP_BYTES] += pkt.ip_bytes;
	if (pkt.is_fragment)
		count->value[NERF_XDP_FRAGMENTS]++;
	track(&pkt, bpf_ktime_get_ns(), count);
	return XDP_PASS;
}
