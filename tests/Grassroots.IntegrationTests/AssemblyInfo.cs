using Grassroots.IntegrationTests.Infrastructure;

[assembly: AssemblyFixture(typeof(SmallCityApp))]
