using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Copilot.Agent;

namespace NerfEngine.Control.Copilot;

/// <summary>A Tier-3 investigation the background investigator finished: the card, the report, and when it finished.</summary>
public sealed record InvestigatedCard(EventCard Card, InvestigationReport Report, DateTimeOffset CompletedAt);

/// <summary>
/// The last <see cref="Capacity"/> (<c>Copilot:ReportHistory</c>) investigations of <see cref="CopilotInvestigator"/>,
/// shared with the graphops_investigation_reports tool. A singleton of its own, so reading the history never creates the
/// investigator (which would attach it to the sentinel). Thread-safe.
/// </summary>
public sealed class InvestigationHistory
{
    private readonly Queue<InvestigatedCard> _reports = new();
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public InvestigationHistory(int capacity, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Most reports kept; older ones are dropped.</summary>
    public int Capacity { get; }

    /// <summary>Records a finished investigation, dropping the oldest past <see cref="Capacity"/>.</summary>
    public void Add(EventCard card, InvestigationReport report)
    {
        var entry = new InvestigatedCard(card, report, _time.GetUtcNow());
        lock (_gate)
        {
            _reports.Enqueue(entry);
            while (_reports.Count > Capacity)
            {
                _reports.Dequeue();
            }
        }
    }

    /// <summary>The kept reports, oldest first.</summary>
    public IReadOnlyList<InvestigatedCard> Snapshot()
    {
        lock (_gate)
        {
            return _reports.ToArray();
        }
    }
}
