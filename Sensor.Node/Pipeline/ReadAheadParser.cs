using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>
/// The first stage of a maximum-speed replay: a thread of its own reads the capture file, parses
/// its records and computes the flow keys of IP packets (<see cref="FlowKeyer.KeyOf"/>) into
/// <see cref="ParsedRecordBlock"/>s, blocks ahead of the replay loop, which counts, tracks and
/// batches them (keying moved here to balance the two threads: the tracker's was the longer). Reading (mostly the kernel copying the file out of the page cache)
/// and parsing are about half of a replay's work; with two cores they now run beside the flow
/// tracker instead of before it. Records keep their order; a reader error arrives after the records
/// before it (see <see cref="ParsedRecordBlock.ReadError"/>).
/// </summary>
/// <remarks>
/// The reader belongs to this stage's thread from <see cref="Start"/> until <see cref="Dispose"/> returns.
/// Blocks circulate: filled ones through a queue bounded by the read-ahead limit, processed ones back through
/// <see cref="Return"/>, so after the first few blocks nothing is allocated. (Not a BlockingCollection: it
/// allocates a linked cancellation source whenever a side has to wait.)
/// <para>
/// Reading and parsing are faster than tracking, so the reading thread is nearly always the one that waits. It
/// waits without spinning, and once the limit is reached it sleeps until the loop has taken half of the blocks
/// ahead, not the next one: one wake per few blocks. Waiting on a semaphore for each block instead spun and
/// yielded the reading core for every one of them, ≈10% of a two-thread replay's CPU.
/// </para>
/// </remarks>
internal sealed class ReadAheadParser : IDisposable
{
    /// <summary>
    /// Filled blocks waiting for the loop, at most. The reading thread is the faster one, so it sleeps at this limit
    /// until the loop has taken half of them: sixteen blocks (≈3 MB) make that one sleep and wake per eight blocks
    /// instead of per two, and a block is refilled only after the loop's core has long moved its lines out of its own
    /// cache. A two-thread 5M-packet replay took ≈4% less CPU than with four.
    /// </summary>
    public const int DefaultBlocksAhead = 16;

    private readonly CaptureFileReader _reader;

    /// <summary>Keys for the tracker the blocks are for (<see cref="FlowTracker.Keyer"/>): the stage's thread never reads the tracker.</summary>
    private readonly FlowKeyer _keyer;

    /// <summary>Filled blocks in file order; a null entry marks the end (after the last block, or a failure).</summary>
    private readonly ConcurrentQueue<ParsedRecordBlock?> _filled = new();

    /// <summary>Counts the entries of <see cref="_filled"/>: the loop waits on it.</summary>
    private readonly SemaphoreSlim _filledCount = new(0);

    /// <summary>The read-ahead limit: filled blocks not yet taken.</summary>
    private readonly int _blocksAhead;

    /// <summary>Filled blocks not yet taken by the loop (incremented by the reading thread, decremented by the loop).</summary>
    private int _ahead;

    /// <summary>Set by the loop when it has taken the blocks ahead down to half the limit; the reading thread waits on it at the limit.</summary>
    private readonly ManualResetEventSlim _roomAgain = new(initialState: false, spinCount: 0);

    /// <summary>Processed blocks for reuse; at most blocks-ahead + 2 blocks ever exist.</summary>
    private readonly ConcurrentQueue<ParsedRecordBlock> _free = new();

    /// <summary>Stops the reading thread when the loop ends early (stop, error).</summary>
    private readonly CancellationTokenSource _stopping = new();

    private readonly Thread _thread;

    /// <summary>A failure of the stage itself (not of the file: those travel in blocks), rethrown by <see cref="Take"/>.</summary>
    private ExceptionDispatchInfo? _failure;

    private bool _started;

    public ReadAheadParser(CaptureFileReader reader, FlowKeyer keyer, int blocksAhead = DefaultBlocksAhead)
    {
        _reader = reader;
        _keyer = keyer;
        ArgumentOutOfRangeException.ThrowIfLessThan(blocksAhead, 2);
        _blocksAhead = blocksAhead;
        _thread = new Thread(ReadAll) { IsBackground = true, Name = "replay read-ahead" };
    }

    public void Start()
    {
        _thread.Start();
        _started = true;
    }

    /// <summary>The next block in file order, waiting for it; null after the last block.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public ParsedRecordBlock? Take(CancellationToken cancellationToken)
    {
        _filledCount.Wait(cancellationToken);
        _filled.TryDequeue(out ParsedRecordBlock? block);
        if (block is not null)
        {
            if (Interlocked.Decrement(ref _ahead) == _blocksAhead / 2)
            {
                _roomAgain.Set();
            }

            return block;
        }

        // The end mark, after the last block or because the stage failed: a failure must not pass for an end of file.
        _filledCount.Release();
        _failure?.Throw();
        return null;
    }

    /// <summary>Hands a processed block back for reuse.</summary>
    public void Return(ParsedRecordBlock block) => _free.Enqueue(block);

    /// <summary>Stops reading (if it has not finished) and waits for the thread, so the reader is free again.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        if (_started)
        {
            _thread.Join();
        }

        _filledCount.Dispose();
        _roomAgain.Dispose();
        _stopping.Dispose();
    }

    /// <summary>At the limit, waits until the loop has taken half of the blocks ahead.</summary>
    private void WaitForRoom()
    {
        if (Interlocked.Increment(ref _ahead) < _blocksAhead)
        {
            return;
        }

        // Checked again after each reset: the loop may have taken the blocks (and set the event) just before it. And
        // again after each wake: a set that was late (the loop paused between its count and its set) may wake the
        // reader while the blocks ahead are still at the limit.
        while (Volatile.Read(ref _ahead) > _blocksAhead / 2)
        {
            _roomAgain.Reset();
            if (Volatile.Read(ref _ahead) > _blocksAhead / 2)
            {
                _roomAgain.Wait(_stopping.Token);
            }
        }
    }

    private void ReadAll()
    {
        try
        {
            // On this thread's stack: this object's cache lines also hold the counters both threads update.
            FlowKeyer keyer = _keyer;
            ParsedRecordBlock block;
            do
            {
                // A stop is seen at every block, not only when the reader waits at the limit.
                _stopping.Token.ThrowIfCancellationRequested();
                block = _free.TryDequeue(out ParsedRecordBlock? reused) ? reused : new ParsedRecordBlock();
                block.Fill(_reader, in keyer);
                _filled.Enqueue(block);
                _filledCount.Release();
                WaitForRoom();
            }
            while (!block.IsLast);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The loop ended first and will not take more blocks.
        }
        catch (Exception ex)
        {
            _failure = ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            _filled.Enqueue(null);
            _filledCount.Release();
        }
    }
}
