using System.Threading.Channels;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Copilot.Agent;

namespace NerfEngine.Control.Copilot;

/// <summary>
/// The Tier-3 hook: <see cref="Wake"/> queues the card on a bounded channel and returns at once
/// (the sentinel's thread never waits); one background loop investigates cards in order. A full
/// queue drops the card and counts it.
/// </summary>
public sealed class CopilotInvestigator : IInvestigator, IAsyncDisposable
{
    private readonly InvestigationAgent _agent;
    private readonly Channel<EventCard> _queue;
    private readonly InvestigationHistory _history;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _queued, _dropped, _completed, _failed;

    /// <param name="agent">Runs each investigation.</param>
    /// <param name="options">Queue capacity and report history.</param>
    /// <param name="history">Where finished reports go (shared with the tools); a private one of <c>ReportHistory</c> when absent.</param>
    public CopilotInvestigator(InvestigationAgent agent, CopilotOptions? options = null, InvestigationHistory? history = null)
    {
        _agent = agent ?? throw new ArgumentNullException(nameof(agent));
        options ??= new CopilotOptions();
        _history = history ?? new InvestigationHistory(options.ReportHistory);
        _queue = Channel.CreateBounded<EventCard>(new BoundedChannelOptions(options.InvestigationQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of blocking, so drops are countable.
            SingleReader = true,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Raised on the background loop after each investigation.</summary>
    public event Action<EventCard, InvestigationReport>? Investigated;

    /// <summary>Cards accepted into the queue.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Cards dropped because the queue was full (or the investigator was stopped).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Investigations finished.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Investigations that threw (the loop keeps going).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The most recent reports, oldest first.</summary>
    public IReadOnlyList<(EventCard Card, InvestigationReport Report)> Reports => _history.Snapshot().Select(r => (r.Card, r.Report)).ToArray();

    /// <summary>The most recent reports with their completion times, oldest first.</summary>
    public InvestigationHistory History => _history;

    /// <inheritdoc />
    public void Wake(EventCard card)
    {
        if (card is not null && _queue.Writer.TryWrite(card))
        {
            Interlocked.Increment(ref _queued);
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>The question an investigation of <paramref name="card"/> starts from.</summary>
    public static string QuestionFor(EventCard card)
    {
        string subject = card.SubjectAddress ?? $"node:0x{card.SubjectNode:x16}";
        return $"{card.Title}: {card.Pattern} ({card.Shape}) on {subject}, {card.NodeCount} nodes, detector confidence {card.Confidence:0.00}. Is this a coordinated threat?";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping mid-investigation is the point of disposing.
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (EventCard card in _queue.Reader.ReadAllAsync(_stop.Token))
        {
            try
            {
                InvestigationReport report = await _agent.InvestigateAsync(QuestionFor(card), _stop.Token);
                _history.Add(card, report);

                Interlocked.Increment(ref _completed);
                Investigated?.Invoke(card, report);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _failed);
            }
        }
    }
}
