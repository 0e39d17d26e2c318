using SettingControl.Audio.Chain;
using SettingControl.Audio.Outputs;

namespace SettingControl.Audio.Tests;

/// <summary>The snapcast output's rules, its PCM ring and the generated stream lines (the real server: SnapcastTests).</summary>
public sealed class SnapcastOutputTests
{
    private static AudioOutputSetting Snapcast(string? server = "127.0.0.1", int? controlPort = null, int? streamPort = null, string? stream = "room-1") =>
        new("snapcast", Server: server, ControlPort: controlPort, StreamPort: streamPort, Stream: stream);

    private static readonly AudioOutputRules Rules = new(Path.GetTempPath(), () => []);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("192.168.1.20")]
    [InlineData("::1")]
    [InlineData("fd00::20")]
    [InlineData("snapserver")]
    [InlineData("snapserver.local")]
    [InlineData("audio-1.clinic.example")]
    public void A_server_is_an_IP_literal_or_a_plain_host_name(string server) => Assert.Null(Rules.Check(Snapcast(server)));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("http://10.0.0.5")]
    [InlineData("10.0.0.5:1705")]
    [InlineData("10.0.0.5/stream")]
    [InlineData("snap server")]
    [InlineData("999.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("-snap")]
    [InlineData("snap..local")]
    [InlineData("fe80::1%eth0")]
    [InlineData("snap\nserver")]
    [InlineData("snäp")]
    public void Anything_else_as_the_server_is_refused_naming_the_field(string? server) =>
        Assert.Equal("server", Rules.Check(Snapcast(server))?.Field);

    [Theory]
    [InlineData(0, null, "controlPort")]
    [InlineData(65536, null, "controlPort")]
    [InlineData(null, 0, "streamPort")]
    [InlineData(null, -1, "streamPort")]
    [InlineData(null, 70000, "streamPort")]
    [InlineData(1705, 1705, "streamPort")]
    public void Ports_are_1_to_65535_and_apart(int? control, int? stream, string field) =>
        Assert.Equal(field, Rules.Check(Snapcast(controlPort: control, streamPort: stream))?.Field);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("room 1")]
    [InlineData("room-1&mode=client")]
    [InlineData("room/1")]
    [InlineData("räum")]
    public void A_stream_name_is_short_and_safe(string? stream) => Assert.Equal("stream", Rules.Check(Snapcast(stream: stream))?.Field);

    [Theory]
    [InlineData(-1, "speakerVolume")]
    [InlineData(101, "speakerVolume")]
    [InlineData(int.MaxValue, "speakerVolume")]
    [InlineData(0, null)]
    [InlineData(100, null)]
    [InlineData(null, null)]
    public void The_speakers_volume_is_a_percent_or_left_out(int? volume, string? field) =>
        Assert.Equal(field, Rules.Check(Snapcast() with { SpeakerVolume = volume })?.Field);

    [Fact]
    public void A_good_setting_takes_the_default_ports_and_describes_itself()
    {
        Assert.Null(Rules.Check(Snapcast(stream: "Room_1.a-b")));
        Assert.Null(Rules.Check(Snapcast(stream: new string('a', 64))));
        Assert.Equal("stream", Rules.Check(Snapcast(stream: new string('a', 65)))?.Field);
        var endpoint = SnapcastEndpoint.Of(Snapcast())!;
        Assert.Equal((1705, 4953), (endpoint.ControlPort, endpoint.StreamPort));
        Assert.Equal("snapcast:room-1@127.0.0.1:4953", endpoint.Description);
        Assert.Equal("snapcast:room-1@[::1]:4953", SnapcastEndpoint.Of(Snapcast("::1"))!.Description);
    }

    [Fact]
    public void A_stored_snapcast_setting_that_breaks_the_rules_is_refused_when_opened()
    {
        using var output = Rules.Open(Snapcast("http://x"), new WaveFormat(48_000, 2));
        Assert.StartsWith("refused: ", output.State, StringComparison.Ordinal);
        Assert.IsType<RefusedOutput>(output);
    }

    [Fact]
    public void The_ring_holds_16_bit_little_endian_PCM_clamped_and_rounded()
    {
        var ring = new PcmRing(16);
        Assert.True(ring.TryWrite([0f, 1f, -1f, 0.5f, 2f, float.NaN]));
        var bytes = new byte[16];
        Assert.Equal(12, ring.Read(bytes));
        short[] expected = [0, 32767, -32767, 16384, 32767, 0];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], BitConverter.ToInt16(bytes, i * 2));
        }
    }

    [Fact]
    public void A_full_ring_drops_whole_blocks_and_counts_them_and_wraps_around_intact()
    {
        var ring = new PcmRing(40); // ten frames of 16-bit stereo
        float[] block = [0.1f, -0.1f, 0.2f, -0.2f, 0.3f, -0.3f]; // three frames
        Assert.True(ring.TryWrite(block));
        Assert.True(ring.TryWrite(block));
        Assert.True(ring.TryWrite(block));
        Assert.False(ring.TryWrite(block));
        Assert.Equal(1, ring.DroppedBlocks);
        var bytes = new byte[40];
        Assert.Equal(36, ring.Read(bytes));

        // Wrapping: the next blocks straddle the end of the buffer.
        Assert.True(ring.TryWrite(block));
        Assert.True(ring.TryWrite(block));
        Assert.Equal(24, ring.Read(bytes));
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal((short)Math.Round(block[i % 6] * 32767f), BitConverter.ToInt16(bytes, i * 2));
        }

        Assert.True(ring.TryWrite(block));
        ring.Skip();
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void Writing_a_block_allocates_nothing()
    {
        var ring = new PcmRing(960 * 4 * 10);
        var block = new float[960 * 2];
        var bytes = new byte[960 * 4];
        ring.TryWrite(block);
        ring.Read(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            ring.TryWrite(block);
            ring.TryWrite(block); // every other one dropped once the ring fills: dropping allocates nothing either
            ring.Read(bytes);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Writing_to_a_snapcast_output_neither_throws_nor_allocates_connected_or_not_and_it_says_which()
    {
        // A plain TCP listener stands in for snapserver's source here; the real one is in SnapcastTests.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var output = new SnapcastOutput(SnapcastEndpoint.Of(Snapcast(streamPort: port, controlPort: port == 1 ? 2 : 1))!, 48_000, 2);
        using var accepted = await listener.AcceptTcpClientAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!output.Connected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(output.Connected);
        var block = new float[960 * 2];
        Array.Fill(block, 0.25f);
        output.Write(block);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            output.Write(block);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // What arrives is the PCM of the blocks: 0.25 as 16-bit little-endian is 8192.
        var received = new byte[4];
        await accepted.GetStream().ReadExactlyAsync(received);
        Assert.Equal(8192, BitConverter.ToInt16(received, 0));

        // The listener closes: the output says so, and writing to it still neither throws nor allocates.
        accepted.Dispose();
        listener.Stop();
        while (!output.State.StartsWith("unavailable: ", StringComparison.Ordinal) && DateTime.UtcNow < deadline.AddSeconds(30))
        {
            output.Write(block);
            await Task.Delay(20);
        }

        Assert.StartsWith("unavailable: ", output.State, StringComparison.Ordinal);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            output.Write(block);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Stream_lines_give_each_snapcast_room_its_port_and_suggest_free_ones_for_the_others()
    {
        var text = SnapcastStreamLines.Generate(
            [
                ("room-2", new AudioOutputSetting("none")),
                ("room-1", Snapcast(streamPort: 4953)),
                ("room-3", Snapcast(stream: "garden", streamPort: 5000)),
                ("room-4", new AudioOutputSetting("alsa", "default")),
            ],
            48_000,
            2);
        var sources = text.Split('\n').Where(l => l.StartsWith("source = ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "source = tcp://127.0.0.1:4953?name=room-1&mode=server&sampleformat=48000:16:2",
                "source = tcp://127.0.0.1:4954?name=room-2&mode=server&sampleformat=48000:16:2",
                "source = tcp://127.0.0.1:5000?name=garden&mode=server&sampleformat=48000:16:2",
                "source = tcp://127.0.0.1:4955?name=room-4&mode=server&sampleformat=48000:16:2",
            ],
            sources);
        Assert.Contains("[stream]", text);
    }

    [Theory]
    [InlineData("room-1", "", "", true)]
    [InlineData("room-1.left", "", "", true)]
    [InlineData("02:42:ac:11:00:02", "room-1.ceiling", "", true)]
    [InlineData("02:42:ac:11:00:02", "", "ROOM-1", true)]
    [InlineData("room-10", "", "", false)]
    [InlineData("room-1-left", "", "", false)]
    [InlineData("room-1.", "", "", false)]
    [InlineData("02:42:ac:11:00:02", "lobby", "vm", false)]
    public void A_speaker_is_the_rooms_by_its_name_or_host_id(string id, string configuredName, string hostName, bool rooms) =>
        Assert.Equal(rooms, SnapcastOutput.IsRoomSpeaker(new SnapcastClient(id, true, hostName, configuredName, 100, false, "g", "s"), "room-1"));
}
