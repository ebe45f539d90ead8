using Grassroots.Data;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Audit;

public enum AuditFault
{
    /// <summary>The entry's content no longer matches its hash.</summary>
    Altered,

    /// <summary>Entries before this one are missing.</summary>
    Removed,

    /// <summary>The entry does not belong to the chain: it was put in afterwards.</summary>
    Inserted,
}

public sealed record AuditVerification(bool Intact, long Entries, string Head, long? FirstBadSeq, AuditFault? Fault, string? Explanation);

/// <summary>Walks the chain from the first entry and names the first entry that was altered, removed or inserted.</summary>
public sealed class VerifyAudit(AppDbContext db)
{
    public async Task<AuditVerification> RunAsync(CancellationToken cancellationToken = default)
    {
        long count = 0;
        long expectedSeq = 1;
        var prevHash = AuditChain.Genesis;
        string? prevPrevHash = null;
        long? prevSeq = null;
        long after = 0;
        const int batch = 5000;
        while (true)
        {
            var rows = await db.Set<AuditEntry>().AsNoTracking()
                .Where(e => e.Seq > after)
                .OrderBy(e => e.Seq)
                .Take(batch)
                .ToListAsync(cancellationToken);
            foreach (var e in rows)
            {
                if (AuditChain.HashOf(e, e.PrevHash) != e.Hash)
                {
                    // Renumbered entries still hash right under their old number: that tells what happened before them.
                    if (prevSeq is { } shifted && HoldsAs(e, e.Seq - 1))
                    {
                        return Bad(count, prevHash, shifted, AuditFault.Inserted, $"Entry {shifted} was put into the chain afterwards and the entries after it renumbered.");
                    }

                    if (HoldsAs(e, e.Seq + 1))
                    {
                        return Bad(count, prevHash, e.Seq, AuditFault.Removed, $"An entry before entry {e.Seq} was removed and the entries after it renumbered.");
                    }

                    return Bad(count, prevHash, e.Seq, AuditFault.Altered, $"Entry {e.Seq} no longer matches its hash: its content was changed.");
                }

                if (e.PrevHash != prevHash)
                {
                    if (e.Seq > expectedSeq)
                    {
                        return Bad(count, prevHash, e.Seq, AuditFault.Removed, $"Entries {expectedSeq}–{e.Seq - 1} before entry {e.Seq} are missing.");
                    }

                    if (prevSeq is { } p && e.PrevHash == prevPrevHash)
                    {
                        return Bad(count, prevHash, p, AuditFault.Inserted, $"Entry {p} was put into the chain afterwards: entry {e.Seq} follows the one before it.");
                    }

                    return Bad(count, prevHash, prevSeq ?? e.Seq, AuditFault.Altered, $"Entry {prevSeq} was changed and its hash made again: entry {e.Seq} no longer follows it.");
                }

                if (e.Seq != expectedSeq)
                {
                    return Bad(count, prevHash, e.Seq, e.Seq > expectedSeq ? AuditFault.Removed : AuditFault.Inserted, $"Entry {e.Seq} is out of sequence: {expectedSeq} was expected.");
                }

                prevPrevHash = prevHash;
                prevHash = e.Hash;
                prevSeq = e.Seq;
                expectedSeq = e.Seq + 1;
                count++;
            }

            if (rows.Count < batch)
            {
                break;
            }

            after = rows[^1].Seq;
        }

        return new AuditVerification(true, count, prevHash, null, null, null);
    }

    private static bool HoldsAs(AuditEntry e, long seq)
    {
        var original = e.Seq;
        e.Seq = seq;
        var holds = AuditChain.HashOf(e, e.PrevHash) == e.Hash;
        e.Seq = original;
        return holds;
    }

    private static AuditVerification Bad(long count, string head, long seq, AuditFault fault, string explanation) =>
        new(false, count, head, seq, fault, explanation);
}
