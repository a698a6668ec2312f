using System.Net;
using Microsoft.AspNetCore.Connections;

namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>
/// Which setting chose each address the node listens on (management HTTP, an ingress), so that a port already in use
/// is reported as the setting to change instead of Kestrel's bind exception. Listeners add themselves when they
/// configure Kestrel (<see cref="Add"/>); <see cref="NodeHost.StartAsync"/> reads it when the start fails.
/// </summary>
public sealed class ListenerSettings
{
    private readonly Lock _lock = new();

    /// <summary>Every listener added so far; guarded by <see cref="_lock"/>.</summary>
    private readonly List<(IPEndPoint EndPoint, string Purpose, string Setting)> _listeners = [];

    /// <summary>Notes that <paramref name="address"/>:<paramref name="port"/> serves <paramref name="purpose"/>, chosen by <paramref name="setting"/>.</summary>
    /// <param name="address">Address bound.</param>
    /// <param name="port">Port bound (0: any free port, which can never be in use).</param>
    /// <param name="purpose">What the listener serves, for people ("management HTTP").</param>
    /// <param name="setting">The configuration key of the port, e.g. <c>Management:Port</c>.</param>
    public void Add(IPAddress address, int port, string purpose, string setting)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_lock)
        {
            _listeners.Add((new IPEndPoint(address, port), purpose, setting));
        }
    }

    /// <summary>
    /// The one-line explanation of a start that failed because an address is in use (Kestrel's
    /// <see cref="AddressInUseException"/>, wrapped in an <see cref="IOException"/> naming the address), or null when
    /// <paramref name="failure"/> is something else.
    /// </summary>
    public string? DescribeAddressInUse(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure is not IOException { InnerException: AddressInUseException } bind)
        {
            return null;
        }

        List<(IPEndPoint EndPoint, string Purpose, string Setting)> matches;
        lock (_lock)
        {
            // Kestrel names the address as a URL: "Failed to bind to address http://127.0.0.1:8558: address already in use."
            matches = _listeners.Where(l => l.EndPoint.Port != 0 && bind.Message.Contains("://" + l.EndPoint + ":", StringComparison.Ordinal)).ToList();
        }

        if (matches.Count == 0)
        {
            return $"{bind.Message.TrimEnd('.')} (another program, or another node on this machine, holds it)";
        }

        var first = matches[0];
        var settings = string.Join(" or ", matches.Select(m => m.Setting).Distinct(StringComparer.Ordinal));
        return $"cannot listen on {first.EndPoint} for {string.Join(" and ", matches.Select(m => m.Purpose).Distinct(StringComparer.Ordinal))}: " +
               $"the address is already in use (another program, or another node on this machine, holds it); set {settings} to a free port " +
               "(0 picks any free one) or stop what holds it";
    }
}
