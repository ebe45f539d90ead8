using Grassroots.Web.Features.Cases;
using Microsoft.Data.Sqlite;

namespace Grassroots.UnitTests.Features.Cases;

public class RunningFilterTests
{
    /// <summary>
    /// The running-case indexes' filter, run by SQLite over a case in every state (parked with its time set, as
    /// <see cref="Case.Park"/> leaves it): it keeps exactly the states whose clock runs.
    /// </summary>
    [Fact]
    public void TheRunningIndexFilter_KeepsExactlyTheStatesWhoseClockRuns()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE cases (\"Status\" TEXT NOT NULL, \"ParkedAt\" TEXT NULL)";
        command.ExecuteNonQuery();
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            command.CommandText = "INSERT INTO cases VALUES ($status, $parked)";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$status", status.ToString());
            command.Parameters.AddWithValue("$parked", status == CaseStatus.Parked ? "2026-03-02 08:00:00" : DBNull.Value);
            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = "SELECT \"Status\" FROM cases WHERE " + CaseLabels.RunningSql;
        var kept = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                kept.Add(reader.GetString(0));
            }
        }

        var running = Enum.GetValues<CaseStatus>().Where(s => s.IsRunning()).Select(s => s.ToString()).Order().ToList();
        Assert.Equal(7, running.Count);
        Assert.Equal(running, kept.Order());
    }

    /// <summary>
    /// SQLite evaluates the filter of each partial index on every insert of a case. A list of more than two values would
    /// be looked up in a temporary table built again for each row (the filter was once an IN list of the seven running
    /// states, and the cases' insert opened three such tables).
    /// </summary>
    [Fact]
    public void InsertingACase_BuildsNoTemporaryTable_ForTheRunningIndexFilter()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE cases (\"Id\" INTEGER PRIMARY KEY, \"Status\" TEXT NOT NULL, \"ParkedAt\" TEXT NULL, \"StageDeadline\" TEXT NULL);"
            + "CREATE INDEX running ON cases (\"StageDeadline\") WHERE " + CaseLabels.RunningSql + ";"
            + "CREATE INDEX listed ON cases (\"StageDeadline\") WHERE \"Status\" IN ('Reported', 'Accepted', 'Registered');";
        command.ExecuteNonQuery();

        Assert.Equal(0, Ephemeral(command, "INSERT INTO cases (\"Status\", \"ParkedAt\", \"StageDeadline\") VALUES ('Reported', NULL, NULL)", "running"));
        Assert.Equal(0, Ephemeral(command, "UPDATE cases SET \"Status\" = 'Parked' WHERE \"Id\" = 1", "running"));

        // The check can see one: the same insert with a filter that lists three states builds a table.
        Assert.Equal(1, Ephemeral(command, "INSERT INTO cases (\"Status\", \"ParkedAt\", \"StageDeadline\") VALUES ('Reported', NULL, NULL)", "listed"));
    }

    /// <summary>The OpenEphemeral instructions of a statement's program with only the named index of the table in place.</summary>
    private static int Ephemeral(SqliteCommand command, string sql, string index)
    {
        var other = index == "running" ? "listed" : "running";
        command.CommandText = $"SAVEPOINT plan; DROP INDEX {other}; EXPLAIN {sql}";
        var count = 0;
        using (var reader = command.ExecuteReader())
        {
            do
            {
                while (reader.FieldCount > 1 && reader.Read())
                {
                    count += reader.GetString(1) == "OpenEphemeral" ? 1 : 0;
                }
            }
            while (reader.NextResult());
        }

        command.CommandText = "ROLLBACK TO plan; RELEASE plan";
        command.ExecuteNonQuery();
        return count;
    }
}
