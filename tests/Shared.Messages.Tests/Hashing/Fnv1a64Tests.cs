using NerfEngine.Shared.Messages.Hashing;

namespace NerfEngine.Tests.SharedMessages.Hashing;

public sealed class Fnv1a64Tests
{
    [Fact]
    public void Hash_reproduces_the_published_FNV1a_64_test_vectors()
    {
        foreach ((byte[] input, ulong expected) in FnvTestVectors.Published)
        {
            Assert.Equal(expected, Fnv1a64.Hash(input));
        }
    }

    [Fact]
    public void Hashing_in_pieces_equals_hashing_at_once()
    {
        Assert.Equal(Fnv1a64.Hash("foobar"u8), Fnv1a64.Append(Fnv1a64.Hash("foo"u8), "bar"u8));
    }

    [Fact]
    public void Node_id_hashes_the_raw_network_order_address_bytes()
    {
        Assert.Equal(FnvTestVectors.Ipv4NodeId, Fnv1a64.NodeId(FnvTestVectors.Ipv4.GetAddressBytes()));
        Assert.Equal(FnvTestVectors.Ipv6NodeId, Fnv1a64.NodeId(FnvTestVectors.Ipv6.GetAddressBytes()));
    }

    [Fact]
    public void Node_id_refuses_spans_that_are_not_an_IPv4_or_IPv6_address()
    {
        Assert.Throws<ArgumentException>(() => Fnv1a64.NodeId(new byte[5]));
        Assert.Throws<ArgumentException>(() => Fnv1a64.NodeId([]));
    }

    [Fact]
    public void Edge_hash_is_FNV1a_over_little_endian_node_and_port_then_protocol()
    {
        byte[] key = [.. BitConverter.GetBytes(FnvTestVectors.Ipv4NodeId), 443 & 0xff, 443 >> 8, 6];
        Assert.True(BitConverter.IsLittleEndian, "the hand-built key above assumes a little-endian host");
        Assert.Equal(Fnv1a64.Hash(key), Fnv1a64.EdgeHash(FnvTestVectors.Ipv4NodeId, 443, 6));
        Assert.Equal(FnvTestVectors.HttpsToIpv4EdgeHash, Fnv1a64.EdgeHash(FnvTestVectors.Ipv4NodeId, 443, 6));
    }

    [Fact]
    public void Edge_hash_separates_port_and_protocol_of_the_same_destination()
    {
        ulong https = Fnv1a64.EdgeHash(FnvTestVectors.Ipv4NodeId, 443, 6);
        Assert.NotEqual(https, Fnv1a64.EdgeHash(FnvTestVectors.Ipv4NodeId, 443, 17));
        Assert.NotEqual(https, Fnv1a64.EdgeHash(FnvTestVectors.Ipv4NodeId, 444, 6));
    }

    [Fact]
    public void Hashing_allocates_nothing()
    {
        byte[] address = FnvTestVectors.Ipv6.GetAddressBytes();
        ulong sink = Fnv1a64.NodeId(address) ^ Fnv1a64.EdgeHash(1, 2, 3);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            sink ^= Fnv1a64.NodeId(address) ^ Fnv1a64.EdgeHash(sink, (ushort)i, 6);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0UL, sink);
    }
}
