using System.Globalization;
using System.Text;
using System.Text.Json;
using NerfEngine.Control.Detection.Detectors;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NerfEngine.Control.Autopilot;

/// <summary>
/// Renders <see cref="EventCard"/>s: a Spectre.Console panel for people (terminal or plain text)
/// and a stable snake_case JSON document for tools (graphops_format_card). Node ids are written as
/// "node:0x…" strings in JSON because 64-bit integers lose precision in JavaScript consumers.
/// </summary>
public static class EventCardRenderer
{
    /// <summary>Writes the card to a console (colours when the console supports them).</summary>
    public static void Render(IAnsiConsole console, EventCard card)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Write(BuildPanel(card));
    }

    /// <summary>The card as plain text (no ANSI codes), <paramref name="width"/> columns wide.</summary>
    public static string RenderText(EventCard card, int width = 100)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(BuildPanel(card));
        return writer.ToString();
    }

    /// <summary>The card as JSON.</summary>
    public static string RenderJson(EventCard card, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(card);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            WriteJson(json, card);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the card object to an open writer (for embedding in a larger document).</summary>
    public static void WriteJson(Utf8JsonWriter json, EventCard card)
    {
        json.WriteStartObject();
        json.WriteString("id", card.Id);
        json.WriteString("title", card.Title);
        json.WriteString("detector", card.Detector);
        json.WriteString("pattern", card.Pattern);
        json.WriteString("shape", card.Shape);
        json.WriteString("tier", card.Tier.ToWireName());
        json.WriteNumber("confidence", card.Confidence);
        json.WriteNumber("node_count", card.NodeCount);
        json.WriteStartObject("subject");
        json.WriteString("node_id", NodeText(card.SubjectNode));
        if (card.SubjectAddress is null) { json.WriteNull("address"); } else { json.WriteString("address", card.SubjectAddress); }
        json.WriteEndObject();
        json.WriteStartArray("node_ids");
        foreach (ulong id in card.NodeIds)
        {
            json.WriteStringValue(NodeText(id));
        }

        json.WriteEndArray();
        if (!card.EdgeIds.IsDefaultOrEmpty)
        {
            json.WriteStartArray("edge_ids");
            foreach (string id in card.EdgeIds)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
        }

        json.WriteStartObject("window");
        json.WriteString("start", Iso(card.WindowStartNs));
        json.WriteString("end", Iso(card.WindowEndNs));
        json.WriteNumber("start_ns", card.WindowStartNs);
        json.WriteNumber("end_ns", card.WindowEndNs);
        json.WriteNumber("ms", card.WindowMs);
        json.WriteEndObject();
        WriteOptional(json, "temporal_sync", card.TemporalSync);
        WriteOptional(json, "source_entropy", card.SourceEntropyBits);
        WriteMeasures(json, card.Measures);
        json.WriteStartArray("suggested_actions");
        foreach (string action in card.SuggestedActions)
        {
            json.WriteStringValue(action);
        }

        json.WriteEndArray();
        json.WriteString("investigation", card.Investigation);
        json.WriteEndObject();
    }

    private static Panel BuildPanel(EventCard card)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        Row(grid, "pattern", $"{card.Pattern} ({card.Shape})");
        Row(grid, "tier", card.Tier.ToWireName());
        Row(grid, "confidence", F(card.Confidence, "0.00"));
        Row(grid, "subject", card.SubjectAddress is null ? NodeText(card.SubjectNode) : $"{card.SubjectAddress} ({NodeText(card.SubjectNode)})");
        Row(grid, "nodes", card.NodeCount.ToString(CultureInfo.InvariantCulture));
        Row(grid, "window", $"{Iso(card.WindowStartNs)} → {Iso(card.WindowEndNs)} ({F(card.WindowMs, "0.###")} ms)");
        Row(grid, "temporal sync", card.TemporalSync is { } sync ? F(sync, "0.00") : "n/a");
        Row(grid, "source entropy", card.SourceEntropyBits is { } h ? $"{F(h, "0.00")} bits" : "n/a");
        Row(grid, "measures", MeasuresText(card.Measures));
        Row(grid, "suggested", string.Join(", ", card.SuggestedActions.Select(SuggestedActions.Describe)));
        Row(grid, "investigation", card.Investigation);
        return new Panel(grid)
            .Header(new PanelHeader($" {Markup.Escape(card.Title)} "))
            .Border(BoxBorder.Rounded)
            .Expand();
    }

    private static void Row(Grid grid, string label, string value) =>
        grid.AddRow(new IRenderable[] { new Text(label, new Style(decoration: Decoration.Bold)), new Text(value) });

    private static string MeasuresText(DetectionMeasures m)
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={(value is double d ? F(d, "0.###") : Convert.ToString(value, CultureInfo.InvariantCulture))}");
            }
        }

        Add("delta", m.Delta);
        Add("dsts", m.DistinctDestinations);
        Add("services", m.DistinctServices);
        Add("sources", m.SourceCount);
        Add("contacts", m.ContactCount);
        Add("ip_H", m.SourceEntropyBits);
        Add("timing_H", m.TimingEntropy);
        Add("cluster", m.ClusterSize);
        Add("infra_H", m.InfraEntropy);
        Add("sync", m.TemporalSync);
        Add("turnover", m.Turnover);
        Add("port", m.DstPort);
        Add("proto", m.Protocol);
        return parts.Count == 0 ? "none" : string.Join(" ", parts);
    }

    private static void WriteMeasures(Utf8JsonWriter json, DetectionMeasures m)
    {
        json.WriteStartObject("measures");
        WriteOptional(json, "delta", m.Delta);
        WriteOptional(json, "distinct_destinations", m.DistinctDestinations);
        WriteOptional(json, "distinct_services", m.DistinctServices);
        WriteOptional(json, "source_count", m.SourceCount);
        WriteOptional(json, "contact_count", m.ContactCount);
        WriteOptional(json, "source_entropy_bits", m.SourceEntropyBits);
        WriteOptional(json, "timing_entropy", m.TimingEntropy);
        WriteOptional(json, "cluster_size", m.ClusterSize);
        WriteOptional(json, "infra_entropy", m.InfraEntropy);
        WriteOptional(json, "temporal_sync", m.TemporalSync);
        WriteOptional(json, "turnover", m.Turnover);
        WriteOptional(json, "dst_port", m.DstPort);
        WriteOptional(json, "protocol", m.Protocol);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 6));
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    private static string NodeText(ulong id) => $"node:0x{id:x16}";

    private static string Iso(long unixNs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(unixNs / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
