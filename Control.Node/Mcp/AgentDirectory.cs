using System.Collections.Frozen;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using NerfEngine.Control.Registry;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// Maps bearer tokens to agents. Tokens are compared by SHA-256 digest: configuration may hold only the digest,
/// and a lookup keyed by digest leaks nothing useful through timing about the token itself.
/// </summary>
public sealed class AgentDirectory
{
    /// <summary>Claim type carrying the agent name on the principal handed to the MCP SDK.</summary>
    public const string AgentClaim = "nerf:agent";

    private readonly FrozenDictionary<string, Entry> _byDigest;
    private readonly FrozenDictionary<string, Entry> _byName;

    /// <summary>Builds the directory; throws listing every problem in the agent list.</summary>
    /// <exception cref="InvalidOperationException">
    /// Missing names or tokens, duplicate names or tokens, unknown modes, negative budgets; the message names each setting
    /// (<c>Mcp:Agents:N:…</c>) and is shown to the operator as is, so it carries no parameter name.
    /// </exception>
    public AgentDirectory(IEnumerable<McpAgentOptions> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var errors = new List<string>();
        var byDigest = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var byName = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var index = 0;
        foreach (var a in agents)
        {
            var where = $"Mcp:Agents:{index++}";
            if (string.IsNullOrWhiteSpace(a.Name))
            {
                errors.Add($"{where}:Name is required.");
                continue;
            }

            AgentMode mode;
            try
            {
                mode = AgentModes.Parse(a.Mode);
            }
            catch (FormatException ex)
            {
                errors.Add($"{where}:Mode: {ex.Message}");
                continue;
            }

            if (a.MutationBudgetPerHour < 0)
            {
                errors.Add($"{where}:MutationBudgetPerHour must not be negative.");
            }

            var digest = DigestOf(a, where, errors);
            if (digest is null)
            {
                continue;
            }

            var identity = new AgentIdentity(a.Name, mode, a.MutationBudgetPerHour);
            var entry = new Entry(identity, new ClaimsPrincipal(new ClaimsIdentity([new Claim(AgentClaim, a.Name), new Claim(ClaimTypes.Name, a.Name)], "Bearer", ClaimTypes.Name, ClaimTypes.Role)));
            if (!byName.TryAdd(a.Name, entry))
            {
                errors.Add($"{where}: agent name '{a.Name}' is used twice.");
            }

            if (!byDigest.TryAdd(digest, entry))
            {
                errors.Add($"{where}: agent '{a.Name}' has the same token as another agent.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"MCP agents rejected: {string.Join(" ", errors)}");
        }

        _byDigest = byDigest.ToFrozenDictionary(StringComparer.Ordinal);
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Number of configured agents.</summary>
    public int Count => _byName.Count;

    /// <summary>The agent a bearer token belongs to.</summary>
    public bool TryAuthenticate(string? token, out AgentIdentity? agent, out ClaimsPrincipal? principal)
    {
        agent = null;
        principal = null;
        if (string.IsNullOrEmpty(token) || !_byDigest.TryGetValue(Digest(token), out var entry))
        {
            return false;
        }

        agent = entry.Identity;
        principal = entry.Principal;
        return true;
    }

    /// <summary>The agent of a given name (stdio's <c>--agent</c>, and the principal the HTTP endpoint attached).</summary>
    public bool TryGetByName(string? name, out AgentIdentity? agent)
    {
        agent = null;
        if (name is null || !_byName.TryGetValue(name, out var entry))
        {
            return false;
        }

        agent = entry.Identity;
        return true;
    }

    /// <summary>Every agent name, sorted (for error messages).</summary>
    public IReadOnlyList<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Lower-case hex SHA-256 of a token's UTF-8 bytes (what <see cref="McpAgentOptions.TokenSha256"/> holds).</summary>
    public static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string? DigestOf(McpAgentOptions a, string where, List<string> errors)
    {
        var hasToken = !string.IsNullOrEmpty(a.Token);
        var hasDigest = !string.IsNullOrWhiteSpace(a.TokenSha256);
        if (hasToken == hasDigest)
        {
            errors.Add($"{where}: agent '{a.Name}' needs exactly one of Token or TokenSha256.");
            return null;
        }

        if (hasToken)
        {
            return Digest(a.Token!);
        }

        var digest = a.TokenSha256!.Trim().ToLowerInvariant();
        if (digest.Length != 64 || !digest.All(Uri.IsHexDigit))
        {
            var found = digest.Length != 64 ? $"it has {digest.Length} characters" : "it has characters that are not hex digits";
            errors.Add($"{where}:TokenSha256 (agent '{a.Name}') must be the token's SHA-256 digest in 64 hex digits; {found}.");
            return null;
        }

        return digest;
    }

    private sealed record Entry(AgentIdentity Identity, ClaimsPrincipal Principal);
}
