using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace NerfEngine.Control.Copilot.Entities;

/// <summary>
/// Finds IPv4 addresses, CIDR blocks, ASNs, domains, ports and node ids in free text before any
/// model sees it. The prompts' own example values (<see cref="CopilotOptions.ExampleValues"/>) are
/// masked out first, so an example can never become an investigation's subject.
/// </summary>
/// <remarks>Stateless after construction; safe to share between threads.</remarks>
public sealed partial class EntityExtractor
{
    private readonly string[] _examples;

    /// <summary>Creates an extractor; <paramref name="exampleValues"/> null means the <see cref="CopilotOptions"/> defaults.</summary>
    public EntityExtractor(IEnumerable<string>? exampleValues = null)
    {
        _examples = (exampleValues ?? new CopilotOptions().ExampleValues)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => v.Trim())
            .ToArray();
    }

    /// <summary>The example values that are never returned.</summary>
    public IReadOnlyList<string> ExampleValues => _examples;

    /// <summary>Entities of <paramref name="text"/> in order of position; overlapping matches keep the most specific.</summary>
    public IReadOnlyList<ExtractedEntity> Extract(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        string masked = MaskExamples(text);
        var found = new List<ExtractedEntity>();
        var taken = new bool[text.Length];

        // Most specific first: a CIDR claims its address, a node id its hex digits.
        foreach (Match m in NodeIdPattern().Matches(masked))
        {
            ulong id = ulong.Parse(m.Groups[1].ValueSpan, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            Add(found, taken, text, EntityKind.NodeId, $"node:0x{id:x16}", m.Index, m.Length);
        }

        foreach (Match m in CidrPattern().Matches(masked))
        {
            if (IPNetwork.TryParse(m.Value, out IPNetwork network) && ValidIpv4(m.Groups[1].Value))
            {
                Add(found, taken, text, EntityKind.Cidr, network.ToString(), m.Index, m.Length);
            }
        }

        foreach (Match m in Ipv4Pattern().Matches(masked))
        {
            if (ValidIpv4(m.Value))
            {
                Add(found, taken, text, EntityKind.Ipv4, IPAddress.Parse(m.Value).ToString(), m.Index, m.Length);
            }
        }

        foreach (Match m in AsnPattern().Matches(masked))
        {
            if (uint.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out uint asn))
            {
                Add(found, taken, text, EntityKind.Asn, $"AS{asn}", m.Index, m.Length);
            }
        }

        foreach (Match m in PortPattern().Matches(masked))
        {
            // "ports 22,443/8080" captures every number of the list; the first entity's text keeps the "port(s)" word.
            Group digits = m.Groups["colon"].Success ? m.Groups["colon"] : m.Groups["word"];
            for (int i = 0; i < digits.Captures.Count; i++)
            {
                Capture c = digits.Captures[i];
                if (ushort.TryParse(c.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port) && port > 0)
                {
                    int start = m.Groups["colon"].Success ? c.Index - 1 : i == 0 ? m.Index : c.Index;
                    Add(found, taken, text, EntityKind.Port, port.ToString(CultureInfo.InvariantCulture), start, c.Index + c.Length - start);
                }
            }
        }

        foreach (Match m in DomainPattern().Matches(masked))
        {
            string domain = m.Value.ToLowerInvariant();
            if (!IsExampleDomain(domain))
            {
                Add(found, taken, text, EntityKind.Domain, domain, m.Index, m.Length);
            }
        }

        found.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return found;
    }

    private static void Add(List<ExtractedEntity> found, bool[] taken, string text, EntityKind kind, string value, int start, int length)
    {
        for (int i = start; i < start + length; i++)
        {
            if (taken[i])
            {
                return;
            }
        }

        Array.Fill(taken, true, start, length);
        found.Add(new ExtractedEntity(kind, value, text.Substring(start, length), start, length));
    }

    /// <summary>The example values that occur in <paramref name="text"/> as whole tokens (and so were not extracted), in configured order.</summary>
    public IReadOnlyList<string> ExamplesIn(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var present = new List<string>();
        foreach (string example in _examples)
        {
            if (ExampleTokens(text, example).Any())
            {
                present.Add(example);
            }
        }

        return present;
    }

    /// <summary>Blanks every whole-token occurrence of an example value, keeping positions.</summary>
    private string MaskExamples(string text)
    {
        char[]? chars = null;
        foreach (string example in _examples)
        {
            foreach (int from in ExampleTokens(text, example))
            {
                chars ??= text.ToCharArray();
                Array.Fill(chars, ' ', from, example.Length);
            }
        }

        return chars is null ? text : new string(chars);
    }

    /// <summary>Start of every whole-token, case-insensitive occurrence of <paramref name="example"/>.</summary>
    private static IEnumerable<int> ExampleTokens(string text, string example)
    {
        int from = 0;
        while ((from = text.IndexOf(example, from, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            int end = from + example.Length;
            if (IsTokenStart(text, from) && IsTokenEnd(text, end))
            {
                yield return from;
            }

            from = end;
        }
    }

    private static bool IsTokenStart(string text, int i) =>
        i == 0 || !(char.IsLetterOrDigit(text[i - 1]) || text[i - 1] is '.' or '-' or ':' or '_');

    // A trailing '.' ends a sentence; '.' followed by a letter or digit continues the token ("10.0.0.10" is not "10.0.0.1").
    private static bool IsTokenEnd(string text, int end) =>
        end >= text.Length
        || !(char.IsLetterOrDigit(text[end]) || text[end] is '-' or '_'
             || (text[end] == '.' && end + 1 < text.Length && char.IsLetterOrDigit(text[end + 1])));

    private bool IsExampleDomain(string domain)
    {
        foreach (string example in _examples)
        {
            if (domain.Equals(example, StringComparison.OrdinalIgnoreCase)
                || domain.EndsWith("." + example, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ValidIpv4(string dotted)
    {
        foreach (string octet in dotted.Split('.'))
        {
            if (octet.Length > 3 || int.Parse(octet, CultureInfo.InvariantCulture) > 255 || (octet.Length > 1 && octet[0] == '0'))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"(?<![\w:])node:0x([0-9a-fA-F]{1,16})(?![0-9a-zA-Z])")]
    private static partial Regex NodeIdPattern();

    [GeneratedRegex(@"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})/(?:3[0-2]|[12]?\d)(?!\d)")]
    private static partial Regex CidrPattern();

    [GeneratedRegex(@"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d]|\.\d)")]
    private static partial Regex Ipv4Pattern();

    [GeneratedRegex(@"(?<![\w])ASN?\s?(\d{1,10})(?!\d)")]
    private static partial Regex AsnPattern();

    /// <summary>
    /// "host:443", "port 22", and lists after "port(s)" separated by ',' or '/' ("ports 22,443", "ports 80 / 8080").
    /// A listed number followed by a word ("ports 22, 3 hosts"), or that starts an address or a decimal, ends the
    /// list, except for connectives and protocol names ("ports 22,443 and …", "ports 53/123 udp").
    /// </summary>
    [GeneratedRegex(@"(?<=[\w\]]):(?<colon>\d{1,5})(?![\w.:])|(?<![\w])ports?\s+(?<word>\d{1,5})(?!\d)(?:\s*[,/]\s*(?<word>\d{1,5})(?![\w%]|[.:]\d|\s+(?!(?:and|or|on|to|from|over|via|at|are|is|were|open|closed|tcp|udp)\b)[a-z]))*", RegexOptions.IgnoreCase)]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z](?![\w-]|\.[a-z0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex DomainPattern();
}
