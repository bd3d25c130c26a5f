// An OWL 2 DL check through the OWL API and HermiT bundled in owlready2's HermiT.jar (OWL API 3.4).
// Usage: java -cp HermiT.jar:. DLCheck FILE...
// Each file (an ontology, or an ontology merged with data) is checked on its own, in one JVM:
// one line per OWL 2 DL profile violation ("FILE violation: ..."), then "FILE consistent: true|false"
// and one line per unsatisfiable class ("FILE unsatisfiable: IRI"). HermiT runs strictly: an
// unsupported datatype is an error, not ignored, except in the files after --data: data carries
// xsd:date values, which are valid RDF but outside OWL 2's datatype map (the shapes check them), so
// HermiT is told to leave those assertions out of its reasoning there.
import java.io.File;
import org.semanticweb.HermiT.Configuration;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DLCheck {
    public static void main(String[] args) throws Exception {
        boolean data = false;
        for (String file : args) {
            if (file.equals("--data")) { data = true; continue; }
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(file));
            for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
                System.out.println(file + " violation: " + v.toString().replace('\n', ' '));
            }
            Configuration configuration = new Configuration();
            configuration.ignoreUnsupportedDatatypes = data;
            Reasoner reasoner = new Reasoner(configuration, ontology);
            boolean consistent = reasoner.isConsistent();
            System.out.println(file + " consistent: " + consistent);
            if (consistent) {
                for (OWLClass c : reasoner.getUnsatisfiableClasses().getEntitiesMinusBottom()) {
                    System.out.println(file + " unsatisfiable: " + c.getIRI());
                }
            }
        }
    }
}
