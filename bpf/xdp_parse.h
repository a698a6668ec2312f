/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * xdp_parse.h — bounds-checked packet parsing for XDP programs (xdp-tutorial's
 * parsing_helpers.h idea): Ethernet, up to two VLAN tags, IPv4, IPv6 with its
 * extension headers, TCP, UDP, ICMP. Every read is preceded by an explicit
 * data_end check the verifier can follow; every helper is __always_inline.
 *
 * Outcomes mirror Sensor.Node/Parsing/PacketParser: a frame the user-space
 * parser counts as an error is PARSE_ERROR here, a non-IP frame PARSE_NON_IP,
 * and the IP byte count (IPv4 total length, 40 + IPv6 payload length) is the same.
 */
#ifndef NERF_XDP_PARSE_H
#define NERF_XDP_PARSE_H

#include "nerf_records.h" /* __u8 …, __always_inline, NERF_UNROLL */

/* ---- constants ----------------------------------------------------------- */

#define ETH_HEADER_LEN 14
#define VLAN_TAG_LEN 4
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88A8
#define ETHERTYPE_QINQ_LEGACY 0x9100

#define PROTO_HOPOPTS 0
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_ESP 50
#define PROTO_AH 51
#define PROTO_ICMPV6 58
#define PROTO_NONE 59
#define PROTO_DSTOPTS 60
#define PROTO_MOBILITY 135
#define PROTO_HIP 139
#define PROTO_SHIM6 140

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#define MAX_DATAGRAM 65535
/* PacketParser's bound on IPv6 extension headers (RFC 8200 §4.1 order has at most seven). */
#define MAX_EXTENSION_HEADERS 8

enum parse_result {
	PARSE_IP = 0,
	PARSE_NON_IP = 1,
	PARSE_ERROR = 2,
};

/* What parsing read from one frame; everything the flow logic needs. */
struct nerf_packet {
	__u8 src[16];
	__u8 dst[16];
	__u32 fragment_id;
	__u32 ip_bytes;        /* IPv4 total length, or 40 + IPv6 payload length */
	__u16 src_port;
	__u16 dst_port;
	__u16 outer_vlan;
	__u16 inner_vlan;
	__u16 tcp_flags;       /* 9 bits, only when the TCP header was read */
	__u8 protocol;
	__u8 ip_version;
	__u8 is_fragment;      /* any fragment, first or later */
	__u8 later_fragment;   /* offset != 0: no transport header */
	__u8 more_fragments;
	__u8 vlan_count;
};

/* ---- parsing helpers: every read is preceded by an explicit data_end check ---- */

static __always_inline __u16 load_be16(const __u8 *p)
{
	return ((__u16)p[0] << 8) | p[1];
}

static __always_inline __u32 load_be32(const __u8 *p)
{
	return ((__u32)p[0] << 24) | ((__u32)p[1] << 16) | ((__u32)p[2] << 8) | p[3];
}

static __always_inline int is_vlan(__u16 ethertype)
{
	return ethertype == ETHERTYPE_VLAN || ethertype == ETHERTYPE_QINQ || ethertype == ETHERTYPE_QINQ_LEGACY;
}

static __always_inline int is_extension_header(__u8 next)
{
	return next == PROTO_HOPOPTS || next == PROTO_ROUTING || next == PROTO_FRAGMENT || next == PROTO_DSTOPTS ||
	       next == PROTO_AH || next == PROTO_MOBILITY || next == PROTO_HIP || next == PROTO_SHIM6;
}

/* TCP, UDP or ICMP header of an unfragmented packet or a first fragment; declared is
 * the transport length the IP header gives. Same checks as PacketParser.ParseTransport. */
static __always_inline int parse_transport(const __u8 *l4, const void *data_end, __u32 declared,
					   struct nerf_packet *pkt)
{
	switch (pkt->protocol) {
	case PROTO_TCP: {
		__u32 offset;

		if (declared < 20 || l4 + 20 > (const __u8 *)data_end)
			return PARSE_ERROR;
		offset = (__u32)(l4[12] >> 4) << 2;
		if (offset < 20 || offset > declared)
			return PARSE_ERROR;
		pkt->src_port = load_be16(l4);
		pkt->dst_port = load_be16(l4 + 2);
		pkt->tcp_flags = ((__u16)(l4[12] & 0x01) << 8) | l4[13];
		return PARSE_IP;
	}
	case PROTO_UDP: {
		__u32 length;

		if (declared < 8 || l4 + 8 > (const __u8 *)data_end)
			return PARSE_ERROR;
		length = load_be16(l4 + 4);
		/* A first fragment's UDP length covers the whole datagram: only the lower bound applies. */
		if (length < 8 || (!pkt->is_fragment && length > declared))
			return PARSE_ERROR;
		pkt->src_port = load_be16(l4);
		pkt->dst_port = load_be16(l4 + 2);
		return PARSE_IP;
	}
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		if (declared < 8 || l4 + 8 > (const __u8 *)data_end)
			return PARSE_ERROR;
		return PARSE_IP;
	default:
		return PARSE_IP;
	}
}

/* IPv4 (RFC 791): version, IHL and total length checked against the frame; options
 * skipped; later fragments stop before the transport header they do not carry. */
static __always_inline int parse_ipv4(const __u8 *ip, const void *data_end, struct nerf_packet *pkt)
{
	__u32 header_len, total, available, fragment;

	if (ip + 20 > (const __u8 *)data_end)
		return PARSE_ERROR;
	header_len = (__u32)(ip[0] & 0x0F) << 2;
	if ((ip[0] >> 4) != 4 || header_len < 20)
		return PARSE_ERROR;
	total = load_be16(ip + 2);
	/* pkt_end - pkt is a scalar for privileged programs; XDP frames are linear here. */
	available = (__u32)((const __u8 *)data_end - ip);
	if (total < header_len || total > available)
		return PARSE_ERROR;

	pkt->ip_version = 4;
	pkt->protocol = ip[9];
	__builtin_memcpy(pkt->src, ip + 12, 4);
	__builtin_memcpy(pkt->dst, ip + 16, 4);
	pkt->ip_bytes = total;
	pkt->fragment_id = load_be16(ip + 4);

	fragment = load_be16(ip + 6);
	if (fragment & 0x3FFF) {
		__u32 offset = (fragment & 0x1FFF) << 3;

		pkt->is_fragment = 1;
		pkt->more_fragments = (fragment & 0x2000) != 0;
		if (offset + (total - header_len) > MAX_DATAGRAM)
			return PARSE_ERROR;
		if (offset != 0) {
			pkt->later_fragment = 1;
			return PARSE_IP;
		}
	}
	return parse_transport(ip + header_len, data_end, total - header_len, pkt);
}

/* IPv6 (RFC 8200): fixed header, then up to MAX_EXTENSION_HEADERS extension headers
 * to the upper-layer header, as PacketParser.ParseIpv6 walks them. */
static __always_inline int parse_ipv6(const __u8 *ip, const void *data_end, struct nerf_packet *pkt)
{
	__u32 total, available, position = 40;
	__u8 next;
	int saw_fragment = 0;
	int i;

	if (ip + 40 > (const __u8 *)data_end)
		return PARSE_ERROR;
	if ((ip[0] >> 4) != 6)
		return PARSE_ERROR;
	total = 40 + (__u32)load_be16(ip + 4);
	available = (__u32)((const __u8 *)data_end - ip);
	if (total > available)
		return PARSE_ERROR;

	pkt->ip_version = 6;
	__builtin_memcpy(pkt->src, ip + 8, 16);
	__builtin_memcpy(pkt->dst, ip + 24, 16);
	pkt->ip_bytes = total;
	next = ip[6];

	for (i = 0; i <= MAX_EXTENSION_HEADERS; i++) {
		const __u8 *header;
		__u32 length;

		if (!is_extension_header(next))
			break;
		if (i == MAX_EXTENSION_HEADERS || (next == PROTO_HOPOPTS && position != 40))
			return PARSE_ERROR;
		/* position <= 40 + 8 * 2048: keeps the packet pointer's variable offset provably bounded. */
		if (position > 40 + MAX_EXTENSION_HEADERS * 2048 || position + 8 > total)
			return PARSE_ERROR;
		header = ip + position;
		if (header + 8 > (const __u8 *)data_end)
			return PARSE_ERROR;

		if (next == PROTO_FRAGMENT) {
			__u32 offset_flags = load_be16(header + 2);
			__u32 offset = offset_flags & 0xFFF8;

			if (saw_fragment)
				return PARSE_ERROR;
			saw_fragment = 1;
			length = 8;
			if (offset != 0 || (offset_flags & 1)) {
				pkt->is_fragment = 1;
				pkt->more_fragments = offset_flags & 1;
				pkt->fragment_id = load_be32(header + 4);
				if (offset + (total - position - 8) > MAX_DATAGRAM)
					return PARSE_ERROR;
				if (offset != 0) {
					/* A later fragment continues some earlier header, never starts one. */
					pkt->protocol = header[0];
					pkt->later_fragment = 1;
					return PARSE_IP;
				}
			}
		} else if (next == PROTO_AH) {
			length = ((__u32)header[1] + 2) << 2; /* 4-octet units minus 2 (RFC 4302) */
		} else {
			length = ((__u32)header[1] + 1) << 3; /* 8-octet units minus 1 */
		}
		if (position + length > total)
			return PARSE_ERROR;
		next = header[0];
		position += length;
	}

	pkt->protocol = next;
	if (next == PROTO_ESP || next == PROTO_NONE)
		return PARSE_IP;
	if (position > 40 + MAX_EXTENSION_HEADERS * 2048)
		return PARSE_ERROR;
	return parse_transport(ip + position, data_end, total - position, pkt);
}

/* Ethernet II with up to two VLAN tags (802.1Q, 802.1ad, 0x9100), then IPv4/IPv6. */
static __always_inline int parse_frame(const void *data, const void *data_end, struct nerf_packet *pkt)
{
	const __u8 *frame = data;
	__u32 offset = ETH_HEADER_LEN;
	__u16 ethertype;
	int i;

	if (frame + ETH_HEADER_LEN > (const __u8 *)data_end)
		return PARSE_ERROR;
	ethertype = load_be16(frame + 12);

	NERF_UNROLL
	for (i = 0; i < 3; i++) {
		const __u8 *tag = frame + offset;

		if (!is_vlan(ethertype))
			break;
		if (i == 2)
			return PARSE_ERROR; /* a third tag: deeper than QinQ */
		if (tag + VLAN_TAG_LEN > (const __u8 *)data_end)
			return PARSE_ERROR;
		if (i == 0)
			pkt->outer_vlan = load_be16(tag) & 0x0FFF;
		else
			pkt->inner_vlan = load_be16(tag) & 0x0FFF;
		pkt->vlan_count = i + 1;
		ethertype = load_be16(tag + 2);
		offset += VLAN_TAG_LEN;
	}

	if (ethertype == ETHERTYPE_IPV4)
		return parse_ipv4(frame + offset, data_end, pkt);
	if (ethertype == ETHERTYPE_IPV6)
		return parse_ipv6(frame + offset, data_end, pkt);
	return PARSE_NON_IP;
}

#endif /* NERF_XDP_PARSE_H */
