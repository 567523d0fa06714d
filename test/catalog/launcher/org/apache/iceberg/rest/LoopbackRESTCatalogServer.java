/*
 * Apache Iceberg's RESTCatalogServer (iceberg-open-api test fixtures) bound to 127.0.0.1 instead of
 * every interface. The stock main builds the backend catalog from CATALOG_* environment variables
 * and serves it on all interfaces; this does the same with a loopback connector. Port: argument 1,
 * else CATALOG_REST_PORT, else 0 (any free port). Prints "listening on 127.0.0.1:PORT" once it
 * accepts connections, for the test helper (test/catalog/rest-catalog-server.ts) to read.
 *
 * In package org.apache.iceberg.rest because RESTServerCatalogAdapter and CatalogContext are
 * package-private there.
 */
package org.apache.iceberg.rest;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.relocated.com.google.common.collect.Maps;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

public final class LoopbackRESTCatalogServer {
  private LoopbackRESTCatalogServer() {}

  public static void main(String[] args) throws Exception {
    // As RESTCatalogServer.initializeBackendCatalog: environment, then the JDBC (in-memory SQLite) default.
    Map<String, String> properties = Maps.newHashMap(RCKUtils.environmentCatalogConfig());
    properties.putIfAbsent(CatalogProperties.CATALOG_IMPL, JdbcCatalog.class.getName());
    properties.putIfAbsent(CatalogProperties.URI, "jdbc:sqlite::memory:");
    properties.putIfAbsent("jdbc.schema-version", "V1");
    if (!properties.containsKey(CatalogProperties.WAREHOUSE_LOCATION)) {
      throw new IllegalArgumentException("CATALOG_WAREHOUSE is not set");
    }
    Catalog catalog = CatalogUtil.buildIcebergCatalog("rest_backend", properties, new Configuration());
    RESTCatalogServer.CatalogContext context = new RESTCatalogServer.CatalogContext(catalog, properties);

    ServletContextHandler handler = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    handler.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTServerCatalogAdapter(context))), "/*");
    handler.insertHandler(new GzipHandler());

    int port = args.length > 0 ? Integer.parseInt(args[0]) : Integer.parseInt(properties.getOrDefault(RESTCatalogServer.REST_PORT, "0"));
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopAtShutdown(true);
    server.start();
    System.out.println("listening on 127.0.0.1:" + connector.getLocalPort());
    System.out.flush();
    server.join();
  }
}
