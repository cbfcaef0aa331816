// Creates the ACL bindings read from standard input (the tab-separated lines of
// `aetherial acls --format tsv`) with Kafka's own Admin client, which knows every resource
// type (librdkafka 2.0 lacks transactional ids). Run by ops/kafka/acls.sh as a single-file
// source program: java -cp '<kafka libs>/*' CreateAcls.java <bootstrap> <admin client config>
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class CreateAcls {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: CreateAcls <bootstrap> <admin client config file>");
      System.exit(2);
    }
    Properties props = new Properties();
    try (FileInputStream in = new FileInputStream(args[1])) {
      props.load(in);
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    List<AclBinding> bindings = new ArrayList<>();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = lines.readLine()) != null; ) {
      if (line.isBlank()) continue;
      String[] f = line.split("\t");
      if (f.length != 5) throw new IllegalArgumentException("not an ACL line: " + line);
      // valueOf throws on a name Kafka does not know.
      ResourceType type = ResourceType.valueOf(f[0].toUpperCase(Locale.ROOT));
      PatternType pattern = PatternType.valueOf(f[2].toUpperCase(Locale.ROOT));
      AclOperation op = AclOperation.valueOf(f[4].toUpperCase(Locale.ROOT));
      bindings.add(new AclBinding(new ResourcePattern(type, f[1], pattern),
          new AccessControlEntry(f[3], "*", op, AclPermissionType.ALLOW)));
    }
    try (Admin admin = Admin.create(props)) {
      admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
    }
    System.out.println(bindings.size() + " ACL bindings in place");
  }
}
