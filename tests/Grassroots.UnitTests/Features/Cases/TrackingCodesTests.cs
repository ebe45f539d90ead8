using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Grassroots.UnitTests.Features.Cases;

/// <summary>Tracking codes are enciphered case ids: each names one case, a forged one names none, and codes given out before stay valid.</summary>
public sealed class TrackingCodesTests
{
    static TrackingCodesTests() => AppDbContext.UseModelFrom(typeof(DatabaseSetup).Assembly);

    private static readonly TrackingCodeCipher Cipher = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(165_432L)]
    [InlineData(10_000_000L)]
    [InlineData(TrackingCodeCipher.MaxId)]
    public void ACode_DecodesToItsCase_AndIsTenLettersOfTheAlphabet(long id)
    {
        for (var i = 0; i < 50; i++)
        {
            var code = Cipher.New(id);
            Assert.Equal(10, code.Length);
            Assert.All(code, ch => Assert.Contains(ch, TrackingCodeCipher.Alphabet));
            Assert.True(Cipher.TryDecode(code, out var decoded));
            Assert.Equal(id, decoded);
        }
    }

    [Fact]
    public void CodesOfDifferentCases_NeverCollide_AndNeighbouringIdsLookUnrelated()
    {
        var codes = Enumerable.Range(1, 200_000).Select(id => Cipher.Encode(id, 0)).ToList();
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());

        // Consecutive ids share no more leading letters than random codes do (1 in 32 each).
        var sharedFirst = codes.Zip(codes.Skip(1)).Count(p => p.First[0] == p.Second[0]);
        Assert.InRange(sharedFirst, 4_000, 9_000);
    }

    [Fact]
    public void TheSameCase_UnderAnotherKeyOrOtherRandomBits_HasAnotherCode()
    {
        var other = new TrackingCodeCipher(new byte[32]);
        Assert.NotEqual(Cipher.Encode(42, 7), other.Encode(42, 7));
        Assert.NotEqual(Cipher.Encode(42, 7), Cipher.Encode(42, 8));
        Assert.Equal(Cipher.Encode(42, 7), Cipher.Encode(42, 7));
    }

    /// <summary>The reference vectors of SipHash-2-4: key 00 01 … 0f, message 00 01 … of the given length.</summary>
    [Theory]
    [InlineData(0, 0x726fdb47dd0e0e31UL)]
    [InlineData(8, 0x93f5f5799a932462UL)]
    [InlineData(15, 0xa129ca6149be45e5UL)]
    public void TheRoundFunction_IsSipHash24(int length, ulong expected)
    {
        var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        Assert.Equal(expected, SipHash.Hash24(0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL, message));
    }

    [Fact]
    public void IdsOutsideTheRange_AndShortKeys_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Cipher.New(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cipher.New(TrackingCodeCipher.MaxId + 1));
        Assert.Throws<ArgumentException>(() => new TrackingCodeCipher(new byte[8]));
    }

    [Theory]
    [InlineData("7K3M9Q2XR4", "7K3M9Q2XR4")]
    [InlineData(" 7k3m9q2xr4 ", "7K3M9Q2XR4")]
    [InlineData("7K3M9-Q2XR4", "7K3M9Q2XR4")]
    [InlineData("7K3M9 Q2XR4", "7K3M9Q2XR4")]
    [InlineData("7K3M9O2XRl", "7K3M902XR1")]
    [InlineData("iK3M9Q2XR4", "1K3M9Q2XR4")]
    [InlineData("7K3M9Q2XR", null)]
    [InlineData("7K3M9Q2XR45", null)]
    [InlineData("7K3M9Q2XRU", null)]
    [InlineData("7K3M9Q2XR#", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ACodeAsTyped_IsReadTheWayCrockfordReadsIt(string? typed, string? expected) =>
        Assert.Equal(expected, TrackingCodeCipher.Normalize(typed));

    [Fact]
    public void TextThatIsNotACode_DoesNotDecode()
    {
        Assert.False(Cipher.TryDecode("SHORT", out _));
        Assert.False(Cipher.TryDecode("7K3M9Q2XRU", out _));
        Assert.False(Cipher.TryDecode("7k3m9q2xr4", out _));
    }

    /// <summary>
    /// A database from before: its cases' codes (random, unique by their index) move to a table of their own when the
    /// database is migrated, and a resident holding one still finds the case. The key is made once and read back after.
    /// </summary>
    [Fact]
    public async Task ADatabaseFromBefore_KeepsItsCodes_AndTheKeyIsMadeOnce()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(Ct);
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(connection, o => o.MigrationsAssembly("Grassroots.Migrations.Sqlite")).Options;
        await using var db = new AppDbContext(options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_TrackingCodesFromIds", StringComparison.Ordinal)) - 1];
        await migrator.MigrateAsync(before, cancellationToken: Ct);

        // The case is written by today's model: the columns added to cases since are added for the insert and dropped
        // again, so that the migrations after find the table as it was.
        var had = new HashSet<string>();
        await using (var columns = connection.CreateCommand())
        {
            columns.CommandText = "SELECT name FROM pragma_table_info('cases')";
            await using var reader = await columns.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                had.Add(reader.GetString(0));
            }
        }

        var added = db.Model.FindEntityType(typeof(Case))!.GetProperties().Select(p => p.GetColumnName()).Where(c => !had.Contains(c)).ToList();
        async Task AlterAsync(string sql)
        {
            await using var alter = connection.CreateCommand();
            alter.CommandText = sql;
            await alter.ExecuteNonQueryAsync(Ct);
        }

        foreach (var column in added)
        {
            await AlterAsync($"ALTER TABLE cases ADD COLUMN \"{column}\" DEFAULT 0");
        }

        var earlier = NewCase(1, "7K3M9Q2XR4");
        db.Add(earlier);
        await db.SaveChangesAsync(Ct);
        db.ChangeTracker.Clear();
        foreach (var column in added)
        {
            await AlterAsync($"ALTER TABLE cases DROP COLUMN \"{column}\"");
        }

        await db.Database.MigrateAsync(Ct);
        var codes = new TrackingCodes();
        await codes.LoadAsync(db, Ct);
        Assert.Equal(1, await IdOf(codes, db, "7k3m9-q2xr4", Ct));

        // A case made after has an enciphered code; a code with its id and other random bits finds nothing.
        var made = codes.Cipher.New(2);
        db.Add(NewCase(2, made));
        await db.SaveChangesAsync(Ct);
        Assert.Equal(2, await IdOf(codes, db, made.ToLowerInvariant(), Ct));
        var forged = Enumerable.Range(0, 4).Select(s => codes.Cipher.Encode(2, (uint)s)).First(c => c != made);
        Assert.Null(await IdOf(codes, db, forged, Ct));
        Assert.Null(await IdOf(codes, db, codes.Cipher.New(3), Ct));
        Assert.Null(await IdOf(codes, db, "not a code", Ct));

        // Loaded again (the next start), the key is the one stored: the code made before still finds its case.
        var again = new TrackingCodes();
        await again.LoadAsync(db, Ct);
        Assert.Equal(2, await IdOf(again, db, made, Ct));
        Assert.Equal(1, await db.Set<PlatformKey>().CountAsync(Ct));
    }

    /// <summary>The id of the case a code names, whoever asks, or null.</summary>
    private static async Task<long?> IdOf(TrackingCodes codes, AppDbContext db, string typed, CancellationToken ct) =>
        (await codes.FindAsync(db.Set<Case>().IgnoreQueryFilters().AsNoTracking(), db, typed, ct))?.Id;

    private static Case NewCase(long id, string code)
    {
        var now = new DateTime(2026, 11, 26, 2, 30, 0, DateTimeKind.Utc);
        var c = Case.Report("0101", Urgency.Normal, CaseSource.Resident, 120.3, 31.57, "320213001001001", "/320200000000/320213000000/320213001000/320213001001/",
            "路灯不亮", new StepActor("public", "Resident"), now, now.AddHours(1), trackingCode: code);
        c.Id = id;
        return c;
    }
}
