package dev.cartwheel.emulators.provisioning;

import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;
import dev.cartwheel.emulators.template.Yamls;

/** {@code AWS::SES::EmailIdentity}; {@code Ref} gives the identity. An identity that exists already is kept. */
final class EmailIdentityCreator implements ResourceCreator {

    private final SesV2Client ses;

    EmailIdentityCreator(SesV2Client ses) {
        this.ses = ses;
    }

    @Override
    public Optional<PhysicalResource> create(String logicalId, Map<String, Object> props, String prefix) {
        Object identityValue = props.get("EmailIdentity");
        if (identityValue == null) {
            throw new TemplateException(logicalId + ": AWS::SES::EmailIdentity needs EmailIdentity");
        }
        String identity = Yamls.stringify(identityValue);
        try {
            ses.createEmailIdentity(r -> r.emailIdentity(identity));
        } catch (AlreadyExistsException alreadyThere) {
            // identities are per account, not per test: another test's provisioning already made it
        }
        return Optional.of(new PhysicalResource(logicalId, SamTemplate.SES_EMAIL_IDENTITY, identity, null, null, identity,
                Map.of()));
    }
}
