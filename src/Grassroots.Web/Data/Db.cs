using Grassroots.Data;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Data;

/// <summary>The entity sets of the model, as properties of the one DbContext.</summary>
public static class Db
{
    extension(AppDbContext db)
    {
        public DbSet<Region> Regions => db.Set<Region>();
        public DbSet<Grid> Grids => db.Set<Grid>();
        public DbSet<Compound> Compounds => db.Set<Compound>();
        public DbSet<PartyOrg> Orgs => db.Set<PartyOrg>();
        public DbSet<Person> People => db.Set<Person>();
        public DbSet<CalendarDay> CalendarDays => db.Set<CalendarDay>();
        public DbSet<CalendarYear> CalendarYears => db.Set<CalendarYear>();
        public DbSet<HandlingUnit> Units => db.Set<HandlingUnit>();
        public DbSet<CaseCategory> Categories => db.Set<CaseCategory>();
        public DbSet<DeadlineRule> Deadlines => db.Set<DeadlineRule>();
    }
}
