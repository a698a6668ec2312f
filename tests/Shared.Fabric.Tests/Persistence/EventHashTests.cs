using System.Security.Cryptography;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Tests.SharedFabric.Persistence;

public sealed class EventHashTests
{
    [Fact]
    public void Hash_is_sha256_over_the_documented_length_prefixed_encoding()
    {
        var prev = Enumerable.Repeat((byte)0x11, 32).ToArray();
        byte[] encoding =
        [
            .. prev,
            0, 0, 0, 3, (byte)'s', (byte)'-', (byte)'1',
            0, 0, 0, 0, 0, 0, 0, 2,
            0, 0, 0, 1, (byte)'m',
            0, 0, 0, 2, 1, 2,
        ];

        Assert.Equal(SHA256.HashData(encoding), EventHash.Compute(prev, "s-1", 2, "m", [1, 2]));
    }

    [Fact]
    public void Moving_bytes_between_manifest_and_payload_changes_the_hash()
    {
        var zero = EventHash.NewZero();

        Assert.NotEqual(EventHash.Compute(zero, "p", 1, "ab", "c"u8), EventHash.Compute(zero, "p", 1, "a", "bc"u8));
    }

    [Fact]
    public void Payloads_larger_than_the_stack_buffer_hash_the_same_as_an_incremental_hash()
    {
        var payload = RandomNumberGenerator.GetBytes(70_000);
        using var incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        incremental.AppendData(new byte[32]);
        incremental.AppendData([0, 0, 0, 1, (byte)'p', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, (byte)'m', 0, 1, 0x11, 0x70]);
        incremental.AppendData(payload);

        Assert.Equal(incremental.GetHashAndReset(), EventHash.Compute(EventHash.NewZero(), "p", 1, "m", payload));
    }

    [Fact]
    public void A_prev_hash_of_the_wrong_length_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => EventHash.Compute(new byte[31], "p", 1, "m", []));
    }
}
