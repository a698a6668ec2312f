using System.Security.Cryptography;

namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>Why a session could not be opened.</summary>
public enum DslSessionRefusal
{
    /// <summary>No session with that id belongs to the caller (never created, closed, or expired after idling).</summary>
    NotFound,

    /// <summary>The store holds its maximum number of sessions.</summary>
    Full,
}

/// <summary>A session could not be opened; <see cref="Refusal"/> says why and the message says what to do.</summary>
public sealed class DslSessionException(DslSessionRefusal refusal, string message) : Exception(message)
{
    /// <summary>Why.</summary>
    public DslSessionRefusal Refusal { get; } = refusal;
}

/// <summary>
/// Named, stateful DSL sessions for graphops_dsl_exec: each belongs to one owner (the calling agent), at most
/// <see cref="Capacity"/> exist at once, and one unused for <see cref="IdleTimeout"/> expires. A lease serialises the
/// steps run on one session (a session has one caller at a time); a session in use never expires.
/// </summary>
public sealed class DslSessionStore
{
    private readonly Dictionary<(string Owner, string Id), Entry> _sessions = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long _created, _expired, _closed;

    public DslSessionStore(int capacity, TimeSpan idleTimeout, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        Capacity = capacity;
        IdleTimeout = idleTimeout;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Most sessions at once.</summary>
    public int Capacity { get; }

    /// <summary>Idle time after which a session expires.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Sessions now (expired ones are removed on the next open).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Sessions ever created.</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Sessions removed for idling.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Sessions closed by their owner.</summary>
    public long Closed => Interlocked.Read(ref _closed);

    /// <summary>
    /// Opens <paramref name="sessionId"/> of <paramref name="owner"/>, or a new session when the id is null, and waits
    /// until no other call is using it. Dispose the lease to release it (and restart its idle clock).
    /// </summary>
    /// <exception cref="DslSessionException">Unknown id, or the store is full.</exception>
    public async Task<DslSessionLease> AcquireAsync(string owner, string? sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        Entry entry;
        bool created = false;
        lock (_lock)
        {
            Sweep();
            if (sessionId is not null)
            {
                if (!_sessions.TryGetValue((owner, sessionId), out entry!))
                {
                    throw new DslSessionException(DslSessionRefusal.NotFound,
                        $"No DSL session '{sessionId}' for this agent: it was never opened, was closed, or expired after {IdleTimeout.TotalMinutes:0.#} min unused. Omit session_id to start a new one.");
                }
            }
            else
            {
                if (_sessions.Count >= Capacity)
                {
                    throw new DslSessionException(DslSessionRefusal.Full,
                        $"All {Capacity} DSL sessions are open; close one (close: true) or wait until one idles out ({IdleTimeout.TotalMinutes:0.#} min unused).");
                }

                string id = "dsl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
                entry = new Entry(owner, id, _time.GetUtcNow());
                _sessions[(owner, id)] = entry;
                _created++;
                created = true;
            }

            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                entry.Users--;
            }

            throw;
        }

        return new DslSessionLease(this, entry, created);
    }

    /// <summary>When a session left unused from now on expires.</summary>
    public DateTimeOffset ExpiresIfIdleFromNow() => _time.GetUtcNow() + IdleTimeout;

    private void Release(Entry entry, bool close)
    {
        lock (_lock)
        {
            entry.Users--;
            entry.LastUsed = _time.GetUtcNow();
            if (close && _sessions.Remove((entry.Owner, entry.Id)))
            {
                _closed++;
            }
        }

        entry.Gate.Release();
    }

    /// <summary>Removes sessions idle past the timeout and not in use. Under the lock.</summary>
    private void Sweep()
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (var (key, entry) in _sessions.Where(s => s.Value.Users == 0 && now - s.Value.LastUsed >= IdleTimeout).ToList())
        {
            _sessions.Remove(key);
            _expired++;
        }
    }

    internal sealed class Entry(string owner, string id, DateTimeOffset now)
    {
        public string Owner { get; } = owner;

        public string Id { get; } = id;

        public InvestigationSession Session { get; } = new();

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Calls holding or waiting for the lease; under the store's lock.</summary>
        public int Users { get; set; }

        /// <summary>When the last lease ended; under the store's lock.</summary>
        public DateTimeOffset LastUsed { get; set; } = now;
    }

    /// <summary>Exclusive use of one session until disposed.</summary>
    public sealed class DslSessionLease : IDisposable
    {
        private readonly DslSessionStore _store;
        private readonly Entry _entry;
        private bool _released;

        internal DslSessionLease(DslSessionStore store, Entry entry, bool created)
        {
            _store = store;
            _entry = entry;
            Created = created;
        }

        /// <summary>The session id to pass back.</summary>
        public string Id => _entry.Id;

        /// <summary>True when this call started the session.</summary>
        public bool Created { get; }

        /// <summary>The session's state.</summary>
        public InvestigationSession Session => _entry.Session;

        /// <summary>Ask for the session to be removed when the lease ends.</summary>
        public bool CloseOnRelease { get; set; }

        /// <inheritdoc />
        public void Dispose()
        {
            if (_released) return;
            _released = true;
            _store.Release(_entry, CloseOnRelease);
        }
    }
}
