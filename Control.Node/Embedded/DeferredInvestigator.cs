using NerfEngine.Control.Autopilot;

namespace NerfEngine.Control.Embedded;

/// <summary>
/// Breaks the construction cycle engine → sentinel → investigator → agent → engine: the sentinel
/// gets this forwarder, and the real investigator is attached once the engine exists. Cards that
/// arrive before that are counted, not lost silently.
/// </summary>
public sealed class DeferredInvestigator : IInvestigator
{
    private volatile IInvestigator? _target;
    private long _beforeAttach;

    public long CardsBeforeAttach => Interlocked.Read(ref _beforeAttach);

    public void Attach(IInvestigator target) => _target = target;

    public void Wake(EventCard card)
    {
        if (_target is { } target) target.Wake(card);
        else Interlocked.Increment(ref _beforeAttach);
    }
}
