using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Grassroots.Web.Data;

/// <summary>
/// Plain SQL on a context's own connection, inside its current transaction if it has one: for the few reads on the
/// writer's hot path where EF's query pipeline costs more than the database's work (the largest case id, the audit
/// chain's last entry, the cases saved since the duplicate index's last refresh). The caller opens the connection if
/// no transaction holds it open.
/// </summary>
public static class PlainCommands
{
    public static DbCommand CreatePlainCommand(this DatabaseFacade database, string sql)
    {
        var command = database.GetDbConnection().CreateCommand();
        command.Transaction = database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return command;
    }
}
