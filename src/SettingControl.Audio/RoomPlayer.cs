using System.Collections.Concurrent;
using SettingControl.Audio.Chain;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;
using SettingControl.Domain;

namespace SettingControl.Audio;

/// <summary>
/// One room's playback chain: tracks → crossfading mixer → master volume ramp → output. Commands
/// (from grain threads) are queued and applied at the start of the next block on the render thread,
/// which alone touches the chain; status is published for <see cref="NowPlaying"/> to read from anywhere.
/// Rendering a block allocates nothing.
/// </summary>
public sealed class RoomPlayer : IDisposable
{
    private const int MaxProblems = 20;

    private readonly AudioOptions _options;
    private readonly PlaylistCatalog _catalog;
    private readonly AudioOutputRules _outputRules;
    private readonly WaveFormat _format;
    private readonly CrossfadeMixer _mixer;
    private readonly VolumeRamp _master;
    private readonly ConcurrentQueue<object> _commands = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly long _crossfadeFrames;
    private readonly long _statusEveryFrames;
    private AudioOutputSetting _outputSetting;
    private AudioOutputSetting _requestedOutput;
    private string _stateBeforeOpening;
    private IAudioOutput? _output;
    private string? _outputState;
    private IReadOnlyList<MusicSpeaker>? _speakers;
    private float[]? _block;

    // Desired state, as last applied on the render thread.
    private string? _playlistId;
    private bool _playing;
    private int _volume;
    private bool _ducked;

    // What is playing.
    private Playlist? _playlist;
    private int _trackIndex = -1;
    private long _trackFrames;
    private long? _trackLength;
    private long _fadeFrames;
    private bool _nextStarted;
    private bool _paused = true;
    private bool _pausing;
    private bool _changed;
    private long _framesSinceStatus;

    private volatile Status _status;
    private long _publishedTrackFrames;

    public RoomPlayer(string roomId, AudioOptions options, PlaylistCatalog catalog, AudioOutputSetting output, AudioOutputRules outputRules, int blockFrames)
    {
        RoomId = roomId;
        _options = options;
        _catalog = catalog;
        _outputRules = outputRules;
        _format = AudioFormat.Float(options.SampleRate, 2);
        BlockFrames = blockFrames;
        _mixer = new CrossfadeMixer(_format, blockFrames);
        _master = new VolumeRamp(_mixer);
        _crossfadeFrames = _format.FramesOf(TimeSpan.FromSeconds(options.CrossfadeSeconds));
        _statusEveryFrames = _format.FramesOf(TimeSpan.FromSeconds(Math.Max(0.1, options.StatusSeconds)));

        // The output is opened on the render thread when the room first plays (opening ALSA takes a while
        // and holds the device), never on a grain's thread, and never for a room that has not played.
        // A setting that breaks the rules (stored by an older version, edited by hand) says so at once.
        _outputSetting = output;
        _requestedOutput = output;
        _stateBeforeOpening = outputRules.StateBeforeOpening(output);
        _status = new Status(null, -1, null, 0, _volume, false, false, Describe(output), _stateBeforeOpening, null);
    }

    /// <summary>The output state of a room that has not played since start (or since its output changed).</summary>
    public const string NotOpened = "idle: opens when music plays";

    public string RoomId { get; }

    public int BlockFrames { get; }

    /// <summary>The last rendered block (interleaved stereo), as it went to the output.</summary>
    public float[] Block => _block ??= new float[BlockFrames * _format.Channels];

    public long RenderedFrames { get; private set; }

    /// <summary>The open output, or null while the room has not played.</summary>
    public IAudioOutput? Output => _output;

    /// <summary>Recent tracks that could not play and why (newest last).</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    /// <summary>Raised on the render thread when track, playing state, output state or position (periodically) changed.</summary>
    public event Action<RoomPlayer>? Changed;

    public void Apply(MusicSetting music, bool ducked) => _commands.Enqueue(new ApplyCommand(music, ducked));

    public void Skip(int direction) => _commands.Enqueue(new SkipCommand(Math.Sign(direction)));

    public void SetOutput(AudioOutputSetting output)
    {
        Volatile.Write(ref _requestedOutput, output);
        _commands.Enqueue(output);
    }

    /// <summary>The output last asked for (the render thread may not have switched to it yet).</summary>
    public AudioOutputSetting RequestedOutput => Volatile.Read(ref _requestedOutput);

    public MusicNowPlaying NowPlaying()
    {
        var s = _status;
        var position = _format.SecondsOf(Interlocked.Read(ref _publishedTrackFrames));
        return new MusicNowPlaying(s.PlaylistId, s.TrackIndex, s.TrackTitle, s.TrackIndex < 0 ? 0 : position, s.DurationSeconds, s.Volume, s.Playing, s.Ducked, s.Output, s.OutputState, s.Speakers);
    }

    /// <summary>Renders one block into <see cref="Block"/> and writes it to the output.</summary>
    public void Render()
    {
        if (_block is null && _output is null)
        {
            // A room that has never played gets no block buffer at all.
            DrainCommands();
            if (!_playing)
            {
                RenderedFrames += BlockFrames;
                PublishIfChanged();
                return;
            }
        }

        Render(Block);
    }

    private void DrainCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            Execute(command);
        }
    }

    /// <summary>Renders <paramref name="block"/> (at most <see cref="BlockFrames"/> frames) and writes it to the output.</summary>
    public void Render(Span<float> block)
    {
        DrainCommands();

        var channels = _format.Channels;
        var frames = block.Length / channels;
        if (_output is null)
        {
            if (!_playing)
            {
                // Never played: nothing to render and no device to feed. This keeps idle rooms nearly free.
                RenderedFrames += frames;
                block.Clear();
                PublishIfChanged();
                return;
            }

            _output = _outputRules.Open(_outputSetting, _format);
            _changed = true;
        }

        var done = 0;
        while (done < frames)
        {
            var segment = frames - done;
            if (!_paused && _trackLength is { } length && !_nextStarted)
            {
                // Cut the block where the crossfade must start, so it starts on the exact frame.
                var startAt = length - _fadeFrames;
                if (_trackFrames < startAt)
                {
                    segment = (int)Math.Min(segment, startAt - _trackFrames);
                }
            }

            var samples = block.Slice(done * channels, segment * channels);
            if (_paused)
            {
                samples.Clear();
            }
            else
            {
                _mixer.Read(samples);
                _trackFrames += segment;
                if (_playlist is not null && _mixer.Lead is not null && _trackLength is { } l && !_nextStarted && _trackFrames >= l - _fadeFrames)
                {
                    _nextStarted = true;
                    StartTrack(_trackIndex + 1, +1, _fadeFrames);
                }
                else if (_playlist is not null && _mixer.LeadEnded)
                {
                    // Shorter than it said (a compressed file's estimated length): go on to the next.
                    StartTrack(_trackIndex + 1, +1, _crossfadeFrames);
                }
            }

            _master.Apply(samples, channels);
            if (_pausing && !_master.IsRamping)
            {
                _pausing = false;
                _paused = true;
                _changed = true;
            }

            done += segment;
        }

        _output.Write(block);
        RenderedFrames += frames;
        if (!ReferenceEquals(_output.State, _outputState) || !ReferenceEquals(_output.Speakers, _speakers))
        {
            _outputState = _output.State;
            _speakers = _output.Speakers;
            _changed = true;
        }

        Interlocked.Exchange(ref _publishedTrackFrames, _trackFrames);
        _framesSinceStatus += frames;
        if (_framesSinceStatus >= _statusEveryFrames && !_paused)
        {
            _changed = true;
        }

        PublishIfChanged();
    }

    private void PublishIfChanged()
    {
        if (_changed)
        {
            _changed = false;
            _framesSinceStatus = 0;
            Publish();
            Changed?.Invoke(this);
        }
    }

    private string Describe(AudioOutputSetting output) => _stateBeforeOpening.StartsWith("refused:", StringComparison.Ordinal) ? "none" : output.Kind switch
    {
        "alsa" => $"alsa:{output.Device}",
        "file" => $"file:{output.Path}",
        "snapcast" => SnapcastEndpoint.Of(output)!.Description,
        _ => "none",
    };

    public void Dispose()
    {
        _mixer.Clear();
        _output?.Dispose();
        _output = null;
    }

    private void Execute(object command)
    {
        switch (command)
        {
            case ApplyCommand apply:
                ApplyMusic(apply.Music, apply.Ducked);
                break;
            case SkipCommand skip when _playlist is not null && _playing:
                StartTrack(_trackIndex + skip.Direction, skip.Direction, _crossfadeFrames);
                break;
            case AudioOutputSetting output:
                _output?.Dispose();
                _outputSetting = output;
                _stateBeforeOpening = _outputRules.StateBeforeOpening(output);

                // A room that is playing (or has played) switches at once; an idle one opens it when it plays.
                _output = _output is null ? null : _outputRules.Open(output, _format);
                _changed = true;
                break;
        }
    }

    private void ApplyMusic(MusicSetting music, bool ducked)
    {
        var wasPlaying = _playing;
        var wasDucked = _ducked;
        var playlistChanged = music.PlaylistId != _playlistId;
        (_playlistId, _playing, _volume, _ducked) = (music.PlaylistId, music.Playing, music.Volume, ducked);
        _changed = true;

        if (playlistChanged || (_playlist is null && _playlistId is not null))
        {
            _playlist = _playlistId is null ? null : _catalog.Find(_playlistId);
            if (_playlistId is not null && _playlist is null)
            {
                Problem($"playlist '{_playlistId}' not found in {_catalog.Directory}");
            }

            if (_playlist is null)
            {
                _mixer.FadeOutAll(_paused ? 0 : _crossfadeFrames);
                (_trackIndex, _trackLength, _trackFrames) = (-1, null, 0);
            }
            else
            {
                // Paused: cut (nothing is heard); playing: crossfade into the new playlist.
                StartTrack(0, +1, _paused ? 0 : _crossfadeFrames);
            }
        }

        var target = _playing ? AudioOptions.VolumeToGain(_volume) * (_ducked ? Math.Pow(10, _options.DuckDb / 20) : 1) : 0;
        if (_playing && !wasPlaying)
        {
            _paused = false;
            _pausing = false;
            _master.RampTo(target, Frames(_options.PauseFadeSeconds));
        }
        else if (!_playing && wasPlaying)
        {
            _pausing = true;
            _master.RampTo(0, Frames(_options.PauseFadeSeconds));
        }
        else if (_playing && target != _master.Target)
        {
            _master.RampTo(target, Frames(ducked != wasDucked ? _options.DuckFadeSeconds : _options.VolumeRampSeconds));
        }
    }

    /// <summary>Starts the track at <paramref name="index"/> (wrapping), skipping any that cannot play.</summary>
    private void StartTrack(int index, int direction, long fadeFrames)
    {
        var playlist = _playlist!;
        var count = playlist.Tracks.Count;
        direction = direction < 0 ? -1 : 1;
        for (var attempt = 0; attempt < count; attempt++)
        {
            var i = (((index + (attempt * direction)) % count) + count) % count;
            var track = playlist.Tracks[i];
            try
            {
                var (chain, length) = TrackOpener.Open(track, _catalog.Tools, _format);

                // A crossfade never lasts more than half of either track, so short tracks still play.
                var fade = length is { } l ? Math.Min(fadeFrames, l / 2) : fadeFrames;
                _mixer.Play(chain, track.Gain, fade);
                (_trackIndex, _trackLength, _trackFrames, _fadeFrames, _nextStarted) = (i, length, 0, Math.Min(_crossfadeFrames, (length ?? long.MaxValue) / 2), false);
                _changed = true;
                Publish();
                return;
            }
            catch (AudioSourceException ex)
            {
                Problem($"{playlist.Id}: track {i + 1} '{track.Title}' skipped: {ex.Message}");
            }
        }

        Problem($"{playlist.Id}: no track can play");
        _mixer.FadeOutAll(fadeFrames);
        (_trackIndex, _trackLength, _trackFrames) = (-1, null, 0);
        _changed = true;
    }

    private void Problem(string message)
    {
        _problems.Enqueue(message);
        while (_problems.Count > MaxProblems && _problems.TryDequeue(out _))
        {
        }

        ProblemReported?.Invoke(this, message);
    }

    /// <summary>Raised (render thread) when a track is skipped or a playlist is missing, with the message.</summary>
    public event Action<RoomPlayer, string>? ProblemReported;

    private void Publish()
    {
        var track = _playlist is not null && _trackIndex >= 0 ? _playlist.Tracks[_trackIndex] : null;
        var duration = _trackLength is { } l ? _format.SecondsOf(l) : track?.DurationSeconds ?? 0;
        _status = new Status(
            _playlistId,
            track is null ? -1 : _trackIndex,
            track?.Title,
            duration,
            _volume,
            _playing && !_paused,
            _ducked,
            _output?.Description ?? Describe(_outputSetting),
            _output?.State ?? _stateBeforeOpening,
            _output?.Speakers);
        Interlocked.Exchange(ref _publishedTrackFrames, _trackFrames);
    }

    private long Frames(double seconds) => _format.FramesOf(TimeSpan.FromSeconds(seconds));

    private sealed record ApplyCommand(MusicSetting Music, bool Ducked);

    private sealed record SkipCommand(int Direction);

    private sealed record Status(string? PlaylistId, int TrackIndex, string? TrackTitle, double DurationSeconds, int Volume, bool Playing, bool Ducked, string Output, string OutputState, IReadOnlyList<MusicSpeaker>? Speakers);
}
