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
