using System.Net;
using System.Text;

namespace NerfEngine.Tests.SharedMessages.Hashing;

/// <summary>
/// Published FNV-1a 64 test vectors (Landon Curt Noll's FNV test suite, test_fnv.c) and pinned
/// node-id and edge-hash values, shared by the C# and the C tests so both check the same facts.
/// </summary>
internal static class FnvTestVectors
{
    /// <summary>Input bytes and the published FNV-1a 64 hash.</summary>
    public static readonly (byte[] Input, ulong Expected)[] Published =
    [
        (Ascii(""), 0xcbf29ce484222325UL),
        (Ascii("a"), 0xaf63dc4c8601ec8cUL),
        (Ascii("b"), 0xaf63df4c8601f1a5UL),
        (Ascii("c"), 0xaf63de4c8601eff2UL),
        (Ascii("d"), 0xaf63d94c8601e773UL),
        (Ascii("e"), 0xaf63d84c8601e5c0UL),
        (Ascii("f"), 0xaf63db4c8601ead9UL),
        (Ascii("fo"), 0x08985907b541d342UL),
        (Ascii("foo"), 0xdcb27518fed9d577UL),
        (Ascii("foob"), 0xdd120e790c2512afUL),
        (Ascii("fooba"), 0xcac165afa2fef40aUL),
        (Ascii("foobar"), 0x85944171f73967e8UL),
        (Ascii("\0"), 0xaf63bd4c8601b7dfUL),
        (Ascii("a\0"), 0x089be207b544f1e4UL),
        (Ascii("foobar\0"), 0x34531ca7168b8f38UL),
        (Ascii("chongo was here!\n"), 0x46810940eff5f915UL),
    ];

    /// <summary>10.0.0.1; node id pinned from an independent FNV-1a implementation.</summary>
    public static readonly IPAddress Ipv4 = IPAddress.Parse("10.0.0.1");

    /// <summary>FNV-1a 64 of 0a 00 00 01.</summary>
    public const ulong Ipv4NodeId = 0x8cf02dd2fbe76fecUL;

    /// <summary>2001:db8::1 (documentation prefix).</summary>
    public static readonly IPAddress Ipv6 = IPAddress.Parse("2001:db8::1");

    /// <summary>FNV-1a 64 of the 16 bytes of 2001:db8::1.</summary>
    public const ulong Ipv6NodeId = 0xf97161b7a3be1c14UL;

    /// <summary>Edge hash of (node id of 10.0.0.1, port 443, TCP).</summary>
    public const ulong HttpsToIpv4EdgeHash = 0x5a4b0e19db190f3bUL;

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}
