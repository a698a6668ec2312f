using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace NerfEngine.Shared.Fabric.Metrics;

/// <summary>Counter (monotonic) or gauge (point-in-time).</summary>
public enum MetricKind { Counter, Gauge }

/// <summary>One labelled sample of a metric.</summary>
public readonly record struct MetricSample(double Value, IReadOnlyList<KeyValuePair<string, string>>? Labels = null);

/// <summary>
/// The node's metrics registry. Components own their counters (plain fields updated with
/// Interlocked on their hot paths) and register a callback that reads them; nothing is
/// computed until someone scrapes. Each metric is also an observable instrument on the
/// <see cref="MeterName"/> meter, so an OpenTelemetry exporter sees the same numbers as
/// <c>/metrics</c>.
/// </summary>
public sealed class NerfMetrics : IDisposable
{
    public const string MeterName = "NerfEngine";

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<string, Registration> _registrations = new(StringComparer.Ordinal);

    private sealed record Registration(string Name, MetricKind Kind, string Help, Func<IEnumerable<MetricSample>> Read);

    /// <summary>Registers (or replaces) a metric. Names follow Prometheus conventions: nerf_capture_packets_total.</summary>
    public void Register(string name, MetricKind kind, string help, Func<IEnumerable<MetricSample>> read)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var isNew = !_registrations.ContainsKey(name);
        _registrations[name] = new Registration(name, kind, help, read);
        if (!isNew) return;
        IEnumerable<Measurement<double>> Observe() => _registrations.TryGetValue(name, out var r)
            ? r.Read().Select(s => new Measurement<double>(s.Value, ToTags(s.Labels)))
            : [];
        if (kind == MetricKind.Counter) _meter.CreateObservableCounter(name, Observe, description: help);
        else _meter.CreateObservableGauge(name, Observe, description: help);
    }

    /// <summary>Shorthand for an unlabelled metric read from one value.</summary>
    public void Register(string name, MetricKind kind, string help, Func<double> read) =>
        Register(name, kind, help, () => [new MetricSample(read())]);

    public void Unregister(string name) => _registrations.TryRemove(name, out _);

    /// <summary>Current value of every metric, for JSON consumers (tools, tests).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MetricSample>> Snapshot() =>
        _registrations.Values.OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToDictionary(r => r.Name, r => (IReadOnlyList<MetricSample>)r.Read().ToArray(), StringComparer.Ordinal);

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    public string RenderPrometheusText()
    {
        var sb = new StringBuilder();
        foreach (var r in _registrations.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            sb.Append("# HELP ").Append(r.Name).Append(' ').Append(EscapeHelp(r.Help)).Append('\n');
            sb.Append("# TYPE ").Append(r.Name).Append(' ').Append(r.Kind == MetricKind.Counter ? "counter" : "gauge").Append('\n');
            foreach (var sample in r.Read())
            {
                sb.Append(r.Name);
                if (sample.Labels is { Count: > 0 } labels)
                {
                    sb.Append('{');
                    for (var i = 0; i < labels.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        sb.Append(labels[i].Key).Append("=\"").Append(EscapeLabel(labels[i].Value)).Append('"');
                    }
                    sb.Append('}');
                }
                sb.Append(' ').Append(sample.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static KeyValuePair<string, object?>[] ToTags(IReadOnlyList<KeyValuePair<string, string>>? labels) =>
        labels is null ? [] : labels.Select(l => new KeyValuePair<string, object?>(l.Key, l.Value)).ToArray();

    private static string EscapeHelp(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string s) => EscapeHelp(s).Replace("\"", "\\\"", StringComparison.Ordinal);

    public void Dispose() => _meter.Dispose();
}
