using System.Net;
using NerfEngine.Control.Detection.Graph;

namespace NerfEngine.Tests.ControlNode.Detection.Graph;

/// <summary>Node ids map back to addresses and are classified by the configured internal networks.</summary>
public sealed class NodeDirectoryTests
{
    [Theory]
    [InlineData("10.1.2.3", NodeClass.Internal)]
    [InlineData("172.16.5.4", NodeClass.Internal)]
    [InlineData("172.31.255.1", NodeClass.Internal)]
    [InlineData("192.168.1.1", NodeClass.Internal)]
    [InlineData("100.64.0.1", NodeClass.Internal)]
    [InlineData("127.0.0.1", NodeClass.Internal)]
    [InlineData("169.254.1.1", NodeClass.Internal)]
    [InlineData("fc00::1", NodeClass.Internal)]
    [InlineData("fd12:3456::1", NodeClass.Internal)]
    [InlineData("fe80::1", NodeClass.Internal)]
    [InlineData("::1", NodeClass.Internal)]
    [InlineData("8.8.8.8", NodeClass.External)]
    [InlineData("172.32.0.1", NodeClass.External)]
    [InlineData("100.128.0.1", NodeClass.External)]
    [InlineData("2001:db8::1", NodeClass.External)]
    public void Default_internal_networks_are_rfc1918_cgnat_ula_loopback_and_link_local(string address, NodeClass expected)
    {
        var directory = new NodeDirectory();
        ulong id = directory.Register(IPAddress.Parse(address));

        Assert.Equal(expected, directory.Classify(id));
        Assert.Equal(address, directory.AddressText(id));
    }

    [Fact]
    public void Unknown_ids_are_unknown_and_custom_networks_replace_the_defaults()
    {
        var directory = new NodeDirectory(new NodeDirectoryOptions { InternalNetworks = ["203.0.113.0/24"] });
        ulong site = directory.Register(IPAddress.Parse("203.0.113.7"));
        ulong rfc1918 = directory.Register(IPAddress.Parse("10.0.0.1"));

        Assert.Equal(NodeClass.Internal, directory.Classify(site));
        Assert.Equal(NodeClass.External, directory.Classify(rfc1918));
        Assert.Equal(NodeClass.Unknown, directory.Classify(12345));
        Assert.False(directory.IsInternal(12345));
        Assert.Equal("node:0x0000000000003039", directory.Describe(12345));
    }

    [Fact]
    public void A_malformed_network_fails_at_construction()
    {
        var ex = Assert.Throws<FormatException>(() => new NodeDirectory(new NodeDirectoryOptions { InternalNetworks = ["10.0.0.0/33"] }));
        Assert.Contains("10.0.0.0/33", ex.Message);
    }

    [Fact]
    public void Network_keys_group_addresses_by_prefix()
    {
        var directory = new NodeDirectory();
        ulong a = directory.Register(IPAddress.Parse("1.2.3.4"));
        ulong b = directory.Register(IPAddress.Parse("1.2.200.1"));
        ulong c = directory.Register(IPAddress.Parse("1.3.0.1"));
        ulong v6a = directory.Register(IPAddress.Parse("2001:db8:1:1::1"));
        ulong v6b = directory.Register(IPAddress.Parse("2001:db8:1:2::1"));

        Assert.True(directory.TryGetNetworkKey(a, 16, 48, out ulong ka));
        Assert.True(directory.TryGetNetworkKey(b, 16, 48, out ulong kb));
        Assert.True(directory.TryGetNetworkKey(c, 16, 48, out ulong kc));
        Assert.True(directory.TryGetNetworkKey(v6a, 16, 48, out ulong k6a));
        Assert.True(directory.TryGetNetworkKey(v6b, 16, 48, out ulong k6b));
        Assert.Equal(ka, kb);
        Assert.NotEqual(ka, kc);
        Assert.Equal(k6a, k6b);
        Assert.False(directory.TryGetNetworkKey(42, 16, 48, out _));
    }

    [Fact]
    public void The_directory_is_bounded_and_counts_refusals()
    {
        var directory = new NodeDirectory(new NodeDirectoryOptions { MaxEntries = 2 });
        directory.Register(IPAddress.Parse("10.0.0.1"));
        directory.Register(IPAddress.Parse("10.0.0.2"));
        directory.Register(IPAddress.Parse("10.0.0.3"));
        directory.Register(IPAddress.Parse("10.0.0.1"));

        Assert.Equal(2, directory.Count);
        Assert.Equal(1, directory.Refused);
    }
}
