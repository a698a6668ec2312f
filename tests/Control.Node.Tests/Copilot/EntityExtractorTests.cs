using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Entities;

namespace NerfEngine.Tests.ControlNode.Copilot;

public sealed class EntityExtractorTests
{
    private readonly EntityExtractor _extractor = new();

    [Fact]
    public void Mixed_text_yields_every_entity_kind_with_its_position()
    {
        const string text = "Sources in 203.0.113.0/24 (AS64500) hit 10.10.0.80:443 and port 22; beacon to c2.evil-domain.net, see node:0x1F2e.";

        var entities = _extractor.Extract(text);

        Assert.Equal(
            [
                (EntityKind.Cidr, "203.0.113.0/24"),
                (EntityKind.Asn, "AS64500"),
                (EntityKind.Ipv4, "10.10.0.80"),
                (EntityKind.Port, "443"),
                (EntityKind.Port, "22"),
                (EntityKind.Domain, "c2.evil-domain.net"),
                (EntityKind.NodeId, "node:0x0000000000001f2e"),
            ],
            entities.Select(e => (e.Kind, e.Value)));
        foreach (var e in entities)
        {
            Assert.Equal(e.Text, text.Substring(e.Start, e.Length));
        }

        Assert.Equal("port 22", entities.Single(e => e.Value == "22").Text);
        Assert.Equal(":443", entities.Single(e => e.Value == "443").Text);
    }

    [Fact]
    public void Prompt_example_values_are_never_returned_but_lookalikes_are()
    {
        const string text = "Like 10.0.0.1 or host:session:abc123 at example.com and www.example.com, the real one is 10.0.0.10 talking to 10.0.0.1.";

        var entities = _extractor.Extract(text);

        Assert.Equal([(EntityKind.Ipv4, "10.0.0.10")], entities.Select(e => (e.Kind, e.Value)));
    }

    [Fact]
    public void Example_values_are_configurable()
    {
        var extractor = new EntityExtractor(["192.0.2.7"]);

        var entities = extractor.Extract("192.0.2.7 and 10.0.0.1");

        Assert.Equal(["10.0.0.1"], entities.Select(e => e.Value));
    }

    [Theory]
    [InlineData("Did 56.28.119.196 hit ports 22,443?", new[] { "22", "443" })]
    [InlineData("ports 22, 443 and 8080", new[] { "22", "443" })]
    [InlineData("scan on ports 80/443/8443 tcp", new[] { "80", "443", "8443" })]
    [InlineData("port 53 / 123 udp", new[] { "53", "123" })]
    [InlineData("ports 22,443 open on 10.10.0.20", new[] { "22", "443" })]
    public void Port_lists_after_port_or_ports_give_one_entity_per_port(string text, string[] ports)
    {
        var entities = _extractor.Extract(text).Where(e => e.Kind == EntityKind.Port).ToList();

        Assert.Equal(ports, entities.Select(e => e.Value));
        Assert.Equal(entities.Select(e => e.Value).Skip(1), entities.Skip(1).Select(e => e.Text)); // later items are just the number
        Assert.StartsWith("port", entities[0].Text);
    }

    [Theory]
    [InlineData("port 22, 3 hosts answered", new[] { "22" })]
    [InlineData("ports 22,10.10.0.5 and 10.10.0.6", new[] { "22" })]
    [InlineData("port 443, 2.5 seconds apart", new[] { "443" })]
    [InlineData("ports 22/70000", new[] { "22" })]
    [InlineData("22,443 were seen, 5/6 hosts", new string[0])]
    public void Numbers_that_are_not_listed_ports_stay_out(string text, string[] ports)
    {
        Assert.Equal(ports, _extractor.Extract(text).Where(e => e.Kind == EntityKind.Port).Select(e => e.Value));
    }

    [Fact]
    public void Out_of_range_octets_ports_and_lowercase_as_words_are_not_entities()
    {
        var entities = _extractor.Extract("999.1.2.3 on port 70000, as 5 hosts, version 1.2.3.4.5, llama3.2:3b");

        Assert.Empty(entities);
    }
}

public sealed class CopilotOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_match_the_spec()
    {
        var options = new CopilotOptions();

        options.Validate();
        Assert.Equal((0.80, 0.65, 2, 6, "llama3.2:3b"), (options.StopConfidence, options.EarlyExitFloor, options.PlateauSteps, options.MaxSteps, options.Model));
        Assert.Equal(new Uri("http://127.0.0.1:11434"), options.OllamaBaseUrl);
    }

    [Fact]
    public void Out_of_range_values_fail_at_start_up()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopilotOptions { MaxSteps = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopilotOptions { StopConfidence = 1.5 }.Validate());
    }
}
