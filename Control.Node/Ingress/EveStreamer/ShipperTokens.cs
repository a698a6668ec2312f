using System.Collections.Frozen;
using NerfEngine.Control.Mcp;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// Maps the bearer tokens of eve-streamer shippers to their names. Like the MCP agents' tokens, they are compared
/// by SHA-256 digest (<see cref="AgentDirectory.Digest"/>), so configuration may hold only the digest.
/// </summary>
public sealed class ShipperTokens
{
    private readonly FrozenDictionary<string, string> _nameByDigest;

    /// <summary>Builds the directory; throws listing every problem in the token list.</summary>
    /// <exception cref="ArgumentException">Missing names, not exactly one of Token/TokenSha256, bad digests, duplicates.</exception>
    public ShipperTokens(IEnumerable<EveStreamerTokenOptions> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var errors = new List<string>();
        var byDigest = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var t in tokens)
        {
            var where = $"{EveStreamerOptions.Section}:Tokens:{index++}";
            if (string.IsNullOrWhiteSpace(t.Name))
            {
                errors.Add($"{where}:Name is required.");
                continue;
            }

            if (!names.Add(t.Name))
            {
                errors.Add($"{where}: name '{t.Name}' is used twice.");
            }

            if (DigestOf(t) is not { } digest)
            {
                errors.Add($"{where}: '{t.Name}' needs exactly one of Token or TokenSha256 (64 hex digits).");
            }
            else if (!byDigest.TryAdd(digest, t.Name))
            {
                errors.Add($"{where}: '{t.Name}' has the same token as '{byDigest[digest]}'.");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"eve-streamer tokens rejected: {string.Join(" ", errors)}", nameof(tokens));
        }

        _nameByDigest = byDigest.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Number of configured shippers.</summary>
    public int Count => _nameByDigest.Count;

    /// <summary>The shipper a bearer token belongs to.</summary>
    public bool TryAuthenticate(string? token, out string name)
    {
        name = string.Empty;
        if (string.IsNullOrEmpty(token) || !_nameByDigest.TryGetValue(AgentDirectory.Digest(token), out var found))
        {
            return false;
        }

        name = found;
        return true;
    }

    /// <summary>
    /// The token from an <c>authorization</c> metadata value (<c>Bearer X</c>, scheme case-insensitive), or null when
    /// there is no bearer token in it.
    /// </summary>
    public static string? BearerToken(string? authorization)
    {
        const string scheme = "Bearer ";
        return authorization is not null && authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[scheme.Length..].Trim()
            : null;
    }

    private static string? DigestOf(EveStreamerTokenOptions t)
    {
        var hasToken = !string.IsNullOrEmpty(t.Token);
        var hasDigest = !string.IsNullOrWhiteSpace(t.TokenSha256);
        if (hasToken == hasDigest)
        {
            return null;
        }

        if (hasToken)
        {
            return AgentDirectory.Digest(t.Token!);
        }

        var digest = t.TokenSha256!.Trim().ToLowerInvariant();
        return digest.Length == 64 && digest.All(Uri.IsHexDigit) ? digest : null;
    }
}
